using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(MaxLengths.Campaign.Name);
        builder.Property(c => c.LifecycleRule).HasMaxLength(MaxLengths.Campaign.LifecycleRule);
        builder.Property(c => c.Definition).AsDefinitionJson();
        builder.HasIndex(c => c.Status);
    }
}

public static class CampaignDefinitionColumn
{
    /// <summary>One JSON column, read back typed; compared by its JSON, since the definition's lists change in place.</summary>
    public static PropertyBuilder<CampaignDefinition> AsDefinitionJson(this PropertyBuilder<CampaignDefinition> property) =>
        property.HasColumnName("DefinitionJson")
            .HasConversion(d => CampaignDefinition.ToJson(d), json => CampaignDefinition.FromJson(json), new ValueComparer<CampaignDefinition>(
                (a, b) => CampaignDefinition.ToJson(a!) == CampaignDefinition.ToJson(b!),
                d => CampaignDefinition.ToJson(d).GetHashCode(StringComparison.Ordinal),
                d => CampaignDefinition.FromJson(CampaignDefinition.ToJson(d))));
}

public sealed class ReviewItemConfiguration : IEntityTypeConfiguration<ReviewItem>
{
    public void Configure(EntityTypeBuilder<ReviewItem> builder)
    {
        builder.Property(i => i.RecommendationReason).HasMaxLength(MaxLengths.ReviewItem.RecommendationReason);
        builder.Property(i => i.Justification).HasMaxLength(MaxLengths.ReviewItem.Justification);
        builder.Property(i => i.EvidenceHash).HasMaxLength(MaxLengths.ReviewItem.EvidenceHash);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasIndex(i => new { i.ReviewerId, i.CampaignId, i.Outcome });
        builder.HasIndex(i => new { i.CampaignId, i.Outcome });
        builder.HasIndex(i => new { i.CampaignId, i.GrantId, i.Stage }).IsUnique();
        builder.HasOne(i => i.Campaign).WithMany(c => c.Items).HasForeignKey(i => i.CampaignId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(i => i.Grant).WithMany().HasForeignKey(i => i.GrantId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(i => i.Identity).WithMany().HasForeignKey(i => i.IdentityId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(i => i.Entitlement).WithMany().HasForeignKey(i => i.EntitlementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(i => i.Reviewer).WithMany().HasForeignKey(i => i.ReviewerId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class ReviewDecisionConfiguration : IEntityTypeConfiguration<ReviewDecision>
{
    public void Configure(EntityTypeBuilder<ReviewDecision> builder)
    {
        builder.Property(d => d.Justification).HasMaxLength(MaxLengths.ReviewDecision.Justification);
        builder.Property(d => d.EvidenceHash).HasMaxLength(MaxLengths.ReviewDecision.EvidenceHash);
        builder.Property(d => d.ShownHash).HasMaxLength(MaxLengths.ReviewDecision.ShownHash);
        builder.HasIndex(d => d.ReviewItemId);
        builder.HasOne(d => d.ReviewItem).WithMany().HasForeignKey(d => d.ReviewItemId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class ReviewerDelegationConfiguration : IEntityTypeConfiguration<ReviewerDelegation>
{
    public void Configure(EntityTypeBuilder<ReviewerDelegation> builder)
    {
        builder.HasIndex(d => d.ReviewerId).IsUnique();
        builder.HasIndex(d => d.DelegateId);
        builder.HasOne(d => d.Reviewer).WithMany().HasForeignKey(d => d.ReviewerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(d => d.Delegate).WithMany().HasForeignKey(d => d.DelegateId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class EvidenceSnapshotConfiguration : IEntityTypeConfiguration<EvidenceSnapshot>
{
    public void Configure(EntityTypeBuilder<EvidenceSnapshot> builder)
    {
        builder.Property(s => s.Hash).HasMaxLength(MaxLengths.EvidenceSnapshot.Hash);
        builder.HasIndex(s => s.ReviewItemId);
        builder.HasOne(s => s.ReviewItem).WithMany().HasForeignKey(s => s.ReviewItemId).OnDelete(DeleteBehavior.Restrict);
    }
}
