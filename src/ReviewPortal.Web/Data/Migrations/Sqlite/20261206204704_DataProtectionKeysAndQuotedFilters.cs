using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DataProtectionKeysAndQuotedFilters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RemediationTasks_ReviewItemId",
                table: "RemediationTasks");

            migrationBuilder.DropIndex(
                name: "IX_GrantEvents_GrantId_ActivityId",
                table: "GrantEvents");

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RemediationTasks_ReviewItemId",
                table: "RemediationTasks",
                column: "ReviewItemId",
                unique: true,
                filter: "\"ReviewItemId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_GrantEvents_GrantId_ActivityId",
                table: "GrantEvents",
                columns: new[] { "GrantId", "ActivityId" },
                unique: true,
                filter: "\"ActivityId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropIndex(
                name: "IX_RemediationTasks_ReviewItemId",
                table: "RemediationTasks");

            migrationBuilder.DropIndex(
                name: "IX_GrantEvents_GrantId_ActivityId",
                table: "GrantEvents");

            migrationBuilder.CreateIndex(
                name: "IX_RemediationTasks_ReviewItemId",
                table: "RemediationTasks",
                column: "ReviewItemId",
                unique: true,
                filter: "ReviewItemId IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_GrantEvents_GrantId_ActivityId",
                table: "GrantEvents",
                columns: new[] { "GrantId", "ActivityId" },
                unique: true,
                filter: "ActivityId IS NOT NULL");
        }
    }
}
