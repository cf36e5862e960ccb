using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.SqlServer
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
                    Subject = table.Column<int>(type: "int", nullable: false),
                    SubjectId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    WorkspaceId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    IdentityId = table.Column<int>(type: "int", nullable: true),
                    Requests = table.Column<long>(type: "bigint", nullable: false),
                    UncachedInputTokens = table.Column<long>(type: "bigint", nullable: false),
                    CacheReadInputTokens = table.Column<long>(type: "bigint", nullable: false),
                    CacheCreationInputTokens = table.Column<long>(type: "bigint", nullable: false),
                    OutputTokens = table.Column<long>(type: "bigint", nullable: false),
                    WebSearchRequests = table.Column<long>(type: "bigint", nullable: false),
                    Sessions = table.Column<int>(type: "int", nullable: false),
                    LinesAdded = table.Column<int>(type: "int", nullable: false),
                    LinesRemoved = table.Column<int>(type: "int", nullable: false),
                    Commits = table.Column<int>(type: "int", nullable: false),
                    PullRequests = table.Column<int>(type: "int", nullable: false)
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
