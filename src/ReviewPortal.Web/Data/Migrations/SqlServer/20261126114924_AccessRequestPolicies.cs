using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AccessRequestPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ActivatedAt",
                table: "ApprovalSteps",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FulfilmentNote",
                table: "AccessRequests",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ApprovalPolicies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    EntitlementId = table.Column<int>(type: "int", nullable: false),
                    Flow = table.Column<int>(type: "int", nullable: false),
                    SecondApproverId = table.Column<int>(type: "int", nullable: true),
                    FallbackApproverId = table.Column<int>(type: "int", nullable: true),
                    EscalateAfterDays = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApprovalPolicies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApprovalPolicies_Entitlements_EntitlementId",
                        column: x => x.EntitlementId,
                        principalTable: "Entitlements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalPolicies_EntitlementId",
                table: "ApprovalPolicies",
                column: "EntitlementId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApprovalPolicies");

            migrationBuilder.DropColumn(
                name: "ActivatedAt",
                table: "ApprovalSteps");

            migrationBuilder.DropColumn(
                name: "FulfilmentNote",
                table: "AccessRequests");
        }
    }
}
