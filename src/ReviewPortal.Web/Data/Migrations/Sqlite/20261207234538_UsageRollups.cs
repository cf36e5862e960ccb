using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UsageRollups",
                columns: table => new
                {
                    Subject = table.Column<int>(type: "INTEGER", nullable: false),
                    SubjectId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    WorkspaceId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    IdentityId = table.Column<int>(type: "INTEGER", nullable: true),
                    Requests = table.Column<long>(type: "INTEGER", nullable: false),
                    UncachedInputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    CacheReadInputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    CacheCreationInputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    OutputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    WebSearchRequests = table.Column<long>(type: "INTEGER", nullable: false),
                    Sessions = table.Column<int>(type: "INTEGER", nullable: false),
                    LinesAdded = table.Column<int>(type: "INTEGER", nullable: false),
                    LinesRemoved = table.Column<int>(type: "INTEGER", nullable: false),
                    Commits = table.Column<int>(type: "INTEGER", nullable: false),
                    PullRequests = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageRollups", x => new { x.Subject, x.SubjectId, x.WorkspaceId, x.Day });
                });

            migrationBuilder.CreateIndex(
                name: "IX_UsageRollups_IdentityId_Day",
                table: "UsageRollups",
                columns: new[] { "IdentityId", "Day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UsageRollups");
        }
    }
}
