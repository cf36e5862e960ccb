using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.HasKey(e => e.Sequence);
        // The ledger assigns sequence numbers itself (head + 1) so the chain has no gaps.
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        builder.Property(e => e.Actor).HasMaxLength(MaxLengths.AuditEntry.Actor);
        builder.Property(e => e.Action).HasMaxLength(MaxLengths.AuditEntry.Action);
        builder.Property(e => e.TargetType).HasMaxLength(MaxLengths.AuditEntry.TargetType);
        builder.Property(e => e.TargetId).HasMaxLength(MaxLengths.AuditEntry.TargetId);
        builder.Property(e => e.CorrelationId).HasMaxLength(MaxLengths.AuditEntry.CorrelationId);
        builder.Property(e => e.PreviousHash).HasMaxLength(MaxLengths.AuditEntry.PreviousHash);
        builder.Property(e => e.Hash).HasMaxLength(MaxLengths.AuditEntry.Hash);
        // A second writer that read the same head cannot link to it again: no fork.
        builder.HasIndex(e => e.PreviousHash).IsUnique();
        builder.HasIndex(e => new { e.IdentityId, e.Sequence });
        // "Everything about or by this person": the explorer's identity filter reads both columns.
        builder.HasIndex(e => new { e.ActorId, e.Sequence });
        builder.HasIndex(e => new { e.CampaignId, e.Sequence });
        builder.HasIndex(e => new { e.Action, e.Sequence });
        builder.HasIndex(e => e.OccurredAt);
    }
}
