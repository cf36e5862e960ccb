using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class ActivityEventConfiguration : IEntityTypeConfiguration<ActivityEvent>
{
    public void Configure(EntityTypeBuilder<ActivityEvent> builder)
    {
        builder.Property(e => e.ActivityId).HasMaxLength(MaxLengths.ActivityEvent.ActivityId);
        builder.HasIndex(e => e.ActivityId).IsUnique();
        builder.Property(e => e.Type).HasMaxLength(MaxLengths.ActivityEvent.Type);
        builder.Property(e => e.ActorType).HasMaxLength(MaxLengths.ActivityEvent.ActorType);
        builder.Property(e => e.ActorExternalId).HasMaxLength(MaxLengths.ActivityEvent.ActorExternalId);
        builder.Property(e => e.OrganizationUuid).HasMaxLength(MaxLengths.ActivityEvent.OrganizationUuid);
        builder.HasIndex(e => new { e.IdentityId, e.OccurredAt });
        builder.HasIndex(e => e.OccurredAt);
    }
}

public sealed class ActivityRollupConfiguration : IEntityTypeConfiguration<ActivityRollup>
{
    public void Configure(EntityTypeBuilder<ActivityRollup> builder)
    {
        builder.HasKey(r => new { r.IdentityId, r.Day, r.Category });
    }
}
