using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ClaudeRequestBudget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ClaudeRequestPermits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    GrantedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Node = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClaudeRequestPermits", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClaudeRequestPermits_GrantedAt",
                table: "ClaudeRequestPermits",
                column: "GrantedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClaudeRequestPermits");
        }
    }
}
