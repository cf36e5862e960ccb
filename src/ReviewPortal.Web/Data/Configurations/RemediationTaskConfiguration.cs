using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class RemediationTaskConfiguration : IEntityTypeConfiguration<RemediationTask>
{
    public void Configure(EntityTypeBuilder<RemediationTask> builder)
    {
        builder.Property(t => t.TargetValue).HasMaxLength(MaxLengths.RemediationTask.TargetValue);
        builder.Property(t => t.LastError).HasMaxLength(MaxLengths.RemediationTask.LastError);
        builder.Property(t => t.Instructions).HasMaxLength(MaxLengths.RemediationTask.Instructions);
        builder.HasIndex(t => new { t.Status, t.NextAttemptAt });
        builder.HasIndex(t => t.ReviewItemId).IsUnique().HasFilter("\"ReviewItemId\" IS NOT NULL");
        builder.HasOne(t => t.Grant).WithMany().HasForeignKey(t => t.GrantId).OnDelete(DeleteBehavior.Restrict);
    }
}
