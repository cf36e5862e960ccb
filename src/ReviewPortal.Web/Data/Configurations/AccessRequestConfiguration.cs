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
        builder.HasIndex(p => p.EntitlementId).IsUnique();
        builder.HasOne(p => p.Entitlement).WithMany().HasForeignKey(p => p.EntitlementId).OnDelete(DeleteBehavior.Restrict);
    }
}
