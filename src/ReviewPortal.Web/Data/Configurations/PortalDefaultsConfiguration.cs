using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class PortalDefaultsConfiguration : IEntityTypeConfiguration<PortalDefaults>
{
    public void Configure(EntityTypeBuilder<PortalDefaults> builder)
    {
        builder.ToTable("PortalDefaults");
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.HasOne<Identity>().WithMany().HasForeignKey(d => d.FallbackReviewerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Identity>().WithMany().HasForeignKey(d => d.FallbackApproverId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Identity>().WithMany().HasForeignKey(d => d.UpdatedById).OnDelete(DeleteBehavior.Restrict);
        // The one row exists from the start, so every save is an update checked against its version.
        builder.HasData(new PortalDefaults { Id = PortalDefaults.SingletonId });
    }
}
