using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ApprovalConcurrency : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Grants_AccessRequestId",
                table: "Grants");

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "ApprovalSteps",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "AccessRequests",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // A database the double-apply bug already hit holds two grants of one request, and the unique index would not
            // build on it: the later grants keep everything but the link (their history and audit entries stay).
            migrationBuilder.Sql("""
                UPDATE "Grants" SET "AccessRequestId" = NULL
                WHERE "AccessRequestId" IS NOT NULL
                  AND "Id" NOT IN (SELECT MIN("Id") FROM "Grants" WHERE "AccessRequestId" IS NOT NULL GROUP BY "AccessRequestId")
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Grants_AccessRequestId",
                table: "Grants",
                column: "AccessRequestId",
                unique: true,
                filter: "\"AccessRequestId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Grants_AccessRequestId",
                table: "Grants");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "ApprovalSteps");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "AccessRequests");

            migrationBuilder.CreateIndex(
                name: "IX_Grants_AccessRequestId",
                table: "Grants",
                column: "AccessRequestId");
        }
    }
}
