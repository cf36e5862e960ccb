using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ActivityReconciledAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ReconciledAt",
                table: "IngestionCursors",
                type: "timestamp with time zone",
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
