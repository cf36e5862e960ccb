using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class ActivityEventConfiguration : IEntityTypeConfiguration<ActivityEvent>
{
    public void Configure(EntityTypeBuilder<ActivityEvent> builder)
    {
        builder.Property(e => e.ActivityId).HasMaxLength(MaxLengths.ActivityEvent.ActivityId);
        // The dedupe key (ADR 0005): an activity's created_at never changes, so (OccurredAt, ActivityId) identifies it, and
        // with the feed read in created_at order this index grows at its right edge instead of at a random leaf per row.
        // Its leading column also serves every time-range read (status page, retention, reconcile), so no OccurredAt index.
        builder.HasIndex(e => new { e.OccurredAt, e.ActivityId }).IsUnique();
        builder.Property(e => e.Type).HasMaxLength(MaxLengths.ActivityEvent.Type);
        builder.Property(e => e.ActorType).HasMaxLength(MaxLengths.ActivityEvent.ActorType);
        builder.Property(e => e.ActorExternalId).HasMaxLength(MaxLengths.ActivityEvent.ActorExternalId);
        builder.Property(e => e.OrganizationUuid).HasMaxLength(MaxLengths.ActivityEvent.OrganizationUuid);
        builder.HasIndex(e => new { e.IdentityId, e.OccurredAt });
        // The admin changes among millions of events (the grants' history reads its access changes from them at the end of
        // every ingestion run and directory sync): a partial index of those rows only, so that read no longer scans every
        // event stored since its watermark. Its filter is an integer comparison, which costs an insert next to nothing; a
        // filter on the type names cost 12 % of the insert rate (docs/performance.md).
        builder.Ignore(e => e.WorkspaceId);
        builder.HasIndex(e => e.Id, AdminChangesIndex).HasFilter($"\"Category\" = {(int)ActivityCategory.AdminChange}");
    }

    public const string AdminChangesIndex = "IX_ActivityEvents_AdminChanges";
}

public sealed class ActivityRollupConfiguration : IEntityTypeConfiguration<ActivityRollup>
{
    public void Configure(EntityTypeBuilder<ActivityRollup> builder)
    {
        builder.HasKey(r => new { r.IdentityId, r.Day, r.Category });
    }
}

public sealed class WorkspaceActivityRollupConfiguration : IEntityTypeConfiguration<WorkspaceActivityRollup>
{
    public void Configure(EntityTypeBuilder<WorkspaceActivityRollup> builder)
    {
        // The evidence streams a window of days, so the day leads: a 30-day read is one range of the key.
        builder.HasKey(r => new { r.Day, r.IdentityId, r.WorkspaceId, r.Category });
        builder.Property(r => r.WorkspaceId).HasMaxLength(MaxLengths.WorkspaceActivityRollup.WorkspaceId);
    }
}

public sealed class UsageRollupConfiguration : IEntityTypeConfiguration<UsageRollup>
{
    public void Configure(EntityTypeBuilder<UsageRollup> builder)
    {
        builder.HasKey(r => new { r.Subject, r.SubjectId, r.WorkspaceId, r.Day });
        builder.Property(r => r.SubjectId).HasMaxLength(MaxLengths.UsageRollup.SubjectId);
        builder.Property(r => r.WorkspaceId).HasMaxLength(MaxLengths.UsageRollup.WorkspaceId);
        builder.Ignore(r => r.TotalTokens);
        // The evidence reads a window of days for the identities in scope.
        builder.HasIndex(r => new { r.IdentityId, r.Day });
    }
}
