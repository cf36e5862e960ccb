using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.SqlServer
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
                type: "datetimeoffset",
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
