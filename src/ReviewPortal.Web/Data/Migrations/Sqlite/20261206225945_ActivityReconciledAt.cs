using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ActivityReconciledAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ReconciledAt",
                table: "IngestionCursors",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReconciledAt",
                table: "IngestionCursors");
        }
    }
}
