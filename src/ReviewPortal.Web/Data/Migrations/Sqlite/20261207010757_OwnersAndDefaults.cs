using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OwnersAndDefaults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "BackupOwnerId",
                table: "Resources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OwnerAssignedAt",
                table: "Resources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OwnerAssignedById",
                table: "Resources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OwnerVersion",
                table: "Resources",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "SuggestedOwnerId",
                table: "Resources",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OwnerAssignedAt",
                table: "Identities",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OwnerAssignedById",
                table: "Identities",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OwnerVersion",
                table: "Identities",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "UpstreamOwnerId",
                table: "Identities",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PortalDefaults",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    FallbackReviewerId = table.Column<int>(type: "INTEGER", nullable: true),
                    FallbackApproverId = table.Column<int>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedById = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalDefaults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PortalDefaults_Identities_FallbackApproverId",
                        column: x => x.FallbackApproverId,
                        principalTable: "Identities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PortalDefaults_Identities_FallbackReviewerId",
                        column: x => x.FallbackReviewerId,
                        principalTable: "Identities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PortalDefaults_Identities_UpdatedById",
                        column: x => x.UpdatedById,
                        principalTable: "Identities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "PortalDefaults",
                columns: new[] { "Id", "FallbackApproverId", "FallbackReviewerId", "UpdatedAt", "UpdatedById", "Version" },
                values: new object[] { 1, null, null, null, null, 0 });

            migrationBuilder.CreateIndex(
                name: "IX_Resources_BackupOwnerId",
                table: "Resources",
                column: "BackupOwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_Resources_OwnerAssignedById",
                table: "Resources",
                column: "OwnerAssignedById");

            migrationBuilder.CreateIndex(
                name: "IX_Resources_SuggestedOwnerId",
                table: "Resources",
                column: "SuggestedOwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_Identities_OwnerAssignedById",
                table: "Identities",
                column: "OwnerAssignedById");

            migrationBuilder.CreateIndex(
                name: "IX_Identities_UpstreamOwnerId",
                table: "Identities",
                column: "UpstreamOwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_PortalDefaults_FallbackApproverId",
                table: "PortalDefaults",
                column: "FallbackApproverId");

            migrationBuilder.CreateIndex(
                name: "IX_PortalDefaults_FallbackReviewerId",
                table: "PortalDefaults",
                column: "FallbackReviewerId");

            migrationBuilder.CreateIndex(
                name: "IX_PortalDefaults_UpdatedById",
                table: "PortalDefaults",
                column: "UpdatedById");

            migrationBuilder.AddForeignKey(
                name: "FK_Identities_Identities_OwnerAssignedById",
                table: "Identities",
                column: "OwnerAssignedById",
                principalTable: "Identities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Identities_Identities_UpstreamOwnerId",
                table: "Identities",
                column: "UpstreamOwnerId",
                principalTable: "Identities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Resources_Identities_BackupOwnerId",
                table: "Resources",
                column: "BackupOwnerId",
                principalTable: "Identities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Resources_Identities_OwnerAssignedById",
                table: "Resources",
                column: "OwnerAssignedById",
                principalTable: "Identities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Resources_Identities_SuggestedOwnerId",
                table: "Resources",
                column: "SuggestedOwnerId",
                principalTable: "Identities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Identities_Identities_OwnerAssignedById",
                table: "Identities");

            migrationBuilder.DropForeignKey(
                name: "FK_Identities_Identities_UpstreamOwnerId",
                table: "Identities");

            migrationBuilder.DropForeignKey(
                name: "FK_Resources_Identities_BackupOwnerId",
                table: "Resources");

            migrationBuilder.DropForeignKey(
                name: "FK_Resources_Identities_OwnerAssignedById",
                table: "Resources");

            migrationBuilder.DropForeignKey(
                name: "FK_Resources_Identities_SuggestedOwnerId",
                table: "Resources");

            migrationBuilder.DropTable(
                name: "PortalDefaults");

            migrationBuilder.DropIndex(
                name: "IX_Resources_BackupOwnerId",
                table: "Resources");

            migrationBuilder.DropIndex(
                name: "IX_Resources_OwnerAssignedById",
                table: "Resources");

            migrationBuilder.DropIndex(
                name: "IX_Resources_SuggestedOwnerId",
                table: "Resources");

            migrationBuilder.DropIndex(
                name: "IX_Identities_OwnerAssignedById",
                table: "Identities");

            migrationBuilder.DropIndex(
                name: "IX_Identities_UpstreamOwnerId",
                table: "Identities");

            migrationBuilder.DropColumn(
                name: "BackupOwnerId",
                table: "Resources");

            migrationBuilder.DropColumn(
                name: "OwnerAssignedAt",
                table: "Resources");

            migrationBuilder.DropColumn(
                name: "OwnerAssignedById",
                table: "Resources");

            migrationBuilder.DropColumn(
                name: "OwnerVersion",
                table: "Resources");

            migrationBuilder.DropColumn(
                name: "SuggestedOwnerId",
                table: "Resources");

            migrationBuilder.DropColumn(
                name: "OwnerAssignedAt",
                table: "Identities");

            migrationBuilder.DropColumn(
                name: "OwnerAssignedById",
                table: "Identities");

            migrationBuilder.DropColumn(
                name: "OwnerVersion",
                table: "Identities");

            migrationBuilder.DropColumn(
                name: "UpstreamOwnerId",
                table: "Identities");
        }
    }
}
