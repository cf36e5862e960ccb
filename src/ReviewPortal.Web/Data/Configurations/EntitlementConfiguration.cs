using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class EntitlementConfiguration : IEntityTypeConfiguration<Entitlement>
{
    public void Configure(EntityTypeBuilder<Entitlement> builder)
    {
        builder.HasIndex(e => new { e.ResourceId, e.Kind, e.Value }).IsUnique();
        builder.Property(e => e.Value).HasMaxLength(MaxLengths.Entitlement.Value);
        builder.Property(e => e.DisplayName).HasMaxLength(MaxLengths.Entitlement.DisplayName);
        builder.HasOne(e => e.Resource).WithMany(r => r.Entitlements).HasForeignKey(e => e.ResourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(e => e.ReducesTo).WithMany().HasForeignKey(e => e.ReducesToId).OnDelete(DeleteBehavior.Restrict);
    }
}
