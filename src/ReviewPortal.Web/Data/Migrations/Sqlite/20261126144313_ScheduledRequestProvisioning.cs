using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScheduledRequestProvisioning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ProvisionAt",
                table: "AccessRequests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccessRequests_ProvisionAt",
                table: "AccessRequests",
                column: "ProvisionAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AccessRequests_ProvisionAt",
                table: "AccessRequests");

            migrationBuilder.DropColumn(
                name: "ProvisionAt",
                table: "AccessRequests");
        }
    }
}
