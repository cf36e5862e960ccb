using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AdminChangesIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ActivityEvents_AdminChanges",
                table: "ActivityEvents",
                column: "Id",
                filter: "\"Category\" = 4");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ActivityEvents_AdminChanges",
                table: "ActivityEvents");
        }
    }
}
