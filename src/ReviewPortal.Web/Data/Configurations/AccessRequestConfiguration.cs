using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class AccessRequestConfiguration : IEntityTypeConfiguration<AccessRequest>
{
    public void Configure(EntityTypeBuilder<AccessRequest> builder)
    {
        builder.Property(r => r.Justification).HasMaxLength(MaxLengths.AccessRequest.Justification);
        builder.Property(r => r.FulfilmentNote).HasMaxLength(MaxLengths.AccessRequest.FulfilmentNote);
        builder.HasIndex(r => new { r.BeneficiaryId, r.EntitlementId, r.Status });
        builder.HasIndex(r => new { r.RequesterId, r.RequestedAt });
        builder.HasIndex(r => r.ProvisionAt);
        // The provisioning claim: a save of a request whose claim moved since it was read fails rather than overwrite it.
        builder.Property(r => r.ProvisionAt).IsConcurrencyToken();
        // Every transition: of two writers that read the same request (two tabs, two confirmations), only the first saves.
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasOne(r => r.Requester).WithMany().HasForeignKey(r => r.RequesterId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Beneficiary).WithMany().HasForeignKey(r => r.BeneficiaryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Entitlement).WithMany().HasForeignKey(r => r.EntitlementId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class ApprovalStepConfiguration : IEntityTypeConfiguration<ApprovalStep>
{
    public void Configure(EntityTypeBuilder<ApprovalStep> builder)
    {
        builder.Property(s => s.Comment).HasMaxLength(MaxLengths.ApprovalStep.Comment);
        // The version the approver's page showed: a double click or another tab's answer on the same step saves once.
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.HasIndex(s => new { s.AccessRequestId, s.Order }).IsUnique();
        builder.HasIndex(s => new { s.ApproverId, s.Status });
        builder.HasOne(s => s.AccessRequest).WithMany(r => r.Steps).HasForeignKey(s => s.AccessRequestId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(s => s.Approver).WithMany().HasForeignKey(s => s.ApproverId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class ApprovalPolicyConfiguration : IEntityTypeConfiguration<ApprovalPolicy>
{
    public void Configure(EntityTypeBuilder<ApprovalPolicy> builder)
    {
        // One policy per entitlement, one per resource, one default.
        builder.HasIndex(p => p.EntitlementId).IsUnique().HasFilter("\"EntitlementId\" IS NOT NULL");
        builder.HasIndex(p => p.ResourceId).IsUnique().HasFilter("\"ResourceId\" IS NOT NULL");
        builder.HasIndex(p => p.Scope).IsUnique().HasFilter($"\"Scope\" = {(int)ApprovalPolicyScope.Default}")
            .HasDatabaseName("IX_ApprovalPolicies_Default");
        builder.ToTable(t => t.HasCheckConstraint("CK_ApprovalPolicies_Scope",
            $"(\"Scope\" = {(int)ApprovalPolicyScope.Entitlement} AND \"EntitlementId\" IS NOT NULL AND \"ResourceId\" IS NULL)" +
            $" OR (\"Scope\" = {(int)ApprovalPolicyScope.Resource} AND \"ResourceId\" IS NOT NULL AND \"EntitlementId\" IS NULL)" +
            $" OR (\"Scope\" = {(int)ApprovalPolicyScope.Default} AND \"EntitlementId\" IS NULL AND \"ResourceId\" IS NULL)"));
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.Ignore(p => p.ScopeKey);
        builder.HasOne(p => p.Entitlement).WithMany().HasForeignKey(p => p.EntitlementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(p => p.Resource).WithMany().HasForeignKey(p => p.ResourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Identity>().WithMany().HasForeignKey(p => p.SecondApproverId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Identity>().WithMany().HasForeignKey(p => p.FallbackApproverId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Identity>().WithMany().HasForeignKey(p => p.UpdatedById).OnDelete(DeleteBehavior.Restrict);
    }
}
