using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PeopleDirectory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DirectoryId",
                table: "Identities",
                type: "TEXT",
                maxLength: 197,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DirectoryPeople",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "TEXT", maxLength: 197, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    FullName = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Department = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 150, nullable: true),
                    ManagerSourceId = table.Column<string>(type: "TEXT", maxLength: 197, nullable: true),
                    Employed = table.Column<bool>(type: "INTEGER", nullable: false),
                    LeftAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DirectoryPeople", x => x.SourceId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Identities_DirectoryId",
                table: "Identities",
                column: "DirectoryId");

            migrationBuilder.CreateIndex(
                name: "IX_DirectoryPeople_Email",
                table: "DirectoryPeople",
                column: "Email");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DirectoryPeople");

            migrationBuilder.DropIndex(
                name: "IX_Identities_DirectoryId",
                table: "Identities");

            migrationBuilder.DropColumn(
                name: "DirectoryId",
                table: "Identities");
        }
    }
}
