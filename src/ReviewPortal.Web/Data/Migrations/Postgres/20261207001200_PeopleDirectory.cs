using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PeopleDirectory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "LastCursor",
                table: "IngestionRuns",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "FirstCursor",
                table: "IngestionRuns",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Cursor",
                table: "IngestionCursors",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200,
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DirectoryId",
                table: "Identities",
                type: "character varying(197)",
                maxLength: 197,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DirectoryPeople",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "character varying(197)", maxLength: 197, nullable: false),
                    Email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    FullName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Department = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Title = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: true),
                    ManagerSourceId = table.Column<string>(type: "character varying(197)", maxLength: 197, nullable: true),
                    Employed = table.Column<bool>(type: "boolean", nullable: false),
                    LeftAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.AlterColumn<string>(
                name: "LastCursor",
                table: "IngestionRuns",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(4000)",
                oldMaxLength: 4000,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "FirstCursor",
                table: "IngestionRuns",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(4000)",
                oldMaxLength: 4000,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "Cursor",
                table: "IngestionCursors",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(4000)",
                oldMaxLength: 4000,
                oldNullable: true);
        }
    }
}
