using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class LifecycleRuleConfiguration : IEntityTypeConfiguration<LifecycleRule>
{
    public void Configure(EntityTypeBuilder<LifecycleRule> builder)
    {
        builder.HasKey(r => r.Key);
        builder.Property(r => r.Key).HasMaxLength(MaxLengths.LifecycleRule.Key);
        builder.HasOne<Identity>().WithMany().HasForeignKey(r => r.UpdatedById).OnDelete(DeleteBehavior.Restrict);
    }
}
