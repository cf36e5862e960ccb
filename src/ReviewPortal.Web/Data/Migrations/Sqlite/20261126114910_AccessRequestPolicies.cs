using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccessRequestPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ActivatedAt",
                table: "ApprovalSteps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FulfilmentNote",
                table: "AccessRequests",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ApprovalPolicies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EntitlementId = table.Column<int>(type: "INTEGER", nullable: false),
                    Flow = table.Column<int>(type: "INTEGER", nullable: false),
                    SecondApproverId = table.Column<int>(type: "INTEGER", nullable: true),
                    FallbackApproverId = table.Column<int>(type: "INTEGER", nullable: true),
                    EscalateAfterDays = table.Column<int>(type: "INTEGER", nullable: false)
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
