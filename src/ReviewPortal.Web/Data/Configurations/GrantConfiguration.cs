using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class GrantConfiguration : IEntityTypeConfiguration<Grant>
{
    public void Configure(EntityTypeBuilder<Grant> builder)
    {
        builder.HasIndex(g => new { g.IdentityId, g.EntitlementId, g.EndedAt });
        builder.HasIndex(g => new { g.EntitlementId, g.EndedAt });
        builder.HasOne(g => g.Identity).WithMany(i => i.Grants).HasForeignKey(g => g.IdentityId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(g => g.Entitlement).WithMany().HasForeignKey(g => g.EntitlementId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(g => g.AccessRequest).WithMany().HasForeignKey(g => g.AccessRequestId).OnDelete(DeleteBehavior.Restrict);
        // One grant per request, whoever records it (the portal's provisioning, an admin's confirmation, a retry): the last
        // line of defence behind the request's claim and version.
        builder.HasIndex(g => g.AccessRequestId).IsUnique().HasFilter("\"AccessRequestId\" IS NOT NULL");
        builder.Ignore(g => g.IsOpen);
    }
}

public sealed class GrantEventConfiguration : IEntityTypeConfiguration<GrantEvent>
{
    public void Configure(EntityTypeBuilder<GrantEvent> builder)
    {
        builder.Property(e => e.Kind).HasMaxLength(MaxLengths.GrantEvent.Kind);
        builder.Property(e => e.ActivityId).HasMaxLength(MaxLengths.GrantEvent.ActivityId);
        builder.Property(e => e.ActorDescription).HasMaxLength(MaxLengths.GrantEvent.ActorDescription);
        builder.HasIndex(e => new { e.GrantId, e.OccurredAt });
        // One feed record attaches to a grant once, however often it is re-delivered.
        builder.HasIndex(e => new { e.GrantId, e.ActivityId }).IsUnique().HasFilter("\"ActivityId\" IS NOT NULL");
        builder.HasOne(e => e.Grant).WithMany(g => g.History).HasForeignKey(e => e.GrantId).OnDelete(DeleteBehavior.Restrict);
    }
}
