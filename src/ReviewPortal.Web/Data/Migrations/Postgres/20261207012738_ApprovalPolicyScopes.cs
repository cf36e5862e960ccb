using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ApprovalPolicyScopes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ApprovalPolicies_EntitlementId",
                table: "ApprovalPolicies");

            migrationBuilder.AlterColumn<int>(
                name: "EntitlementId",
                table: "ApprovalPolicies",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AddColumn<int>(
                name: "MaxDurationDays",
                table: "ApprovalPolicies",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ResourceId",
                table: "ApprovalPolicies",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Scope",
                table: "ApprovalPolicies",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "UpdatedAt",
                table: "ApprovalPolicies",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "UpdatedById",
                table: "ApprovalPolicies",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "ApprovalPolicies",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalPolicies_Default",
                table: "ApprovalPolicies",
                column: "Scope",
                unique: true,
                filter: "\"Scope\" = 2");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalPolicies_EntitlementId",
                table: "ApprovalPolicies",
                column: "EntitlementId",
                unique: true,
                filter: "\"EntitlementId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalPolicies_FallbackApproverId",
                table: "ApprovalPolicies",
                column: "FallbackApproverId");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalPolicies_ResourceId",
                table: "ApprovalPolicies",
                column: "ResourceId",
                unique: true,
                filter: "\"ResourceId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalPolicies_SecondApproverId",
                table: "ApprovalPolicies",
                column: "SecondApproverId");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalPolicies_UpdatedById",
                table: "ApprovalPolicies",
                column: "UpdatedById");

            migrationBuilder.AddCheckConstraint(
                name: "CK_ApprovalPolicies_Scope",
                table: "ApprovalPolicies",
                sql: "(\"Scope\" = 0 AND \"EntitlementId\" IS NOT NULL AND \"ResourceId\" IS NULL) OR (\"Scope\" = 1 AND \"ResourceId\" IS NOT NULL AND \"EntitlementId\" IS NULL) OR (\"Scope\" = 2 AND \"EntitlementId\" IS NULL AND \"ResourceId\" IS NULL)");

            migrationBuilder.AddForeignKey(
                name: "FK_ApprovalPolicies_Identities_FallbackApproverId",
                table: "ApprovalPolicies",
                column: "FallbackApproverId",
                principalTable: "Identities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ApprovalPolicies_Identities_SecondApproverId",
                table: "ApprovalPolicies",
                column: "SecondApproverId",
                principalTable: "Identities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ApprovalPolicies_Identities_UpdatedById",
                table: "ApprovalPolicies",
                column: "UpdatedById",
                principalTable: "Identities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_ApprovalPolicies_Resources_ResourceId",
                table: "ApprovalPolicies",
                column: "ResourceId",
                principalTable: "Resources",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ApprovalPolicies_Identities_FallbackApproverId",
                table: "ApprovalPolicies");

            migrationBuilder.DropForeignKey(
                name: "FK_ApprovalPolicies_Identities_SecondApproverId",
                table: "ApprovalPolicies");

            migrationBuilder.DropForeignKey(
                name: "FK_ApprovalPolicies_Identities_UpdatedById",
                table: "ApprovalPolicies");

            migrationBuilder.DropForeignKey(
                name: "FK_ApprovalPolicies_Resources_ResourceId",
                table: "ApprovalPolicies");

            migrationBuilder.DropIndex(
                name: "IX_ApprovalPolicies_Default",
                table: "ApprovalPolicies");

            migrationBuilder.DropIndex(
                name: "IX_ApprovalPolicies_EntitlementId",
                table: "ApprovalPolicies");

            migrationBuilder.DropIndex(
                name: "IX_ApprovalPolicies_FallbackApproverId",
                table: "ApprovalPolicies");

            migrationBuilder.DropIndex(
                name: "IX_ApprovalPolicies_ResourceId",
                table: "ApprovalPolicies");

            migrationBuilder.DropIndex(
                name: "IX_ApprovalPolicies_SecondApproverId",
                table: "ApprovalPolicies");

            migrationBuilder.DropIndex(
                name: "IX_ApprovalPolicies_UpdatedById",
                table: "ApprovalPolicies");

            migrationBuilder.DropCheckConstraint(
                name: "CK_ApprovalPolicies_Scope",
                table: "ApprovalPolicies");

            migrationBuilder.DropColumn(
                name: "MaxDurationDays",
                table: "ApprovalPolicies");

            migrationBuilder.DropColumn(
                name: "ResourceId",
                table: "ApprovalPolicies");

            migrationBuilder.DropColumn(
                name: "Scope",
                table: "ApprovalPolicies");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "ApprovalPolicies");

            migrationBuilder.DropColumn(
                name: "UpdatedById",
                table: "ApprovalPolicies");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "ApprovalPolicies");

            migrationBuilder.AlterColumn<int>(
                name: "EntitlementId",
                table: "ApprovalPolicies",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalPolicies_EntitlementId",
                table: "ApprovalPolicies",
                column: "EntitlementId",
                unique: true);
        }
    }
}
