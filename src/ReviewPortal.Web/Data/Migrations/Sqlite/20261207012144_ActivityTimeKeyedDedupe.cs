using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ActivityTimeKeyedDedupe : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ActivityEvents_ActivityId",
                table: "ActivityEvents");

            migrationBuilder.DropIndex(
                name: "IX_ActivityEvents_OccurredAt",
                table: "ActivityEvents");

            migrationBuilder.CreateIndex(
                name: "IX_ActivityEvents_OccurredAt_ActivityId",
                table: "ActivityEvents",
                columns: new[] { "OccurredAt", "ActivityId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ActivityEvents_OccurredAt_ActivityId",
                table: "ActivityEvents");

            migrationBuilder.CreateIndex(
                name: "IX_ActivityEvents_ActivityId",
                table: "ActivityEvents",
                column: "ActivityId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ActivityEvents_OccurredAt",
                table: "ActivityEvents",
                column: "OccurredAt");
        }
    }
}
