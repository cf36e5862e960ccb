using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class ResourceConfiguration : IEntityTypeConfiguration<Resource>
{
    public void Configure(EntityTypeBuilder<Resource> builder)
    {
        builder.HasIndex(r => r.ExternalId).IsUnique();
        builder.Property(r => r.ExternalId).HasMaxLength(MaxLengths.Resource.ExternalId);
        builder.Property(r => r.Name).HasMaxLength(MaxLengths.Resource.Name);
        builder.HasOne(r => r.Parent).WithMany().HasForeignKey(r => r.ParentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Owner).WithMany().HasForeignKey(r => r.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.BackupOwner).WithMany().HasForeignKey(r => r.BackupOwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.SuggestedOwner).WithMany().HasForeignKey(r => r.SuggestedOwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Identity>().WithMany().HasForeignKey(r => r.OwnerAssignedById).OnDelete(DeleteBehavior.Restrict);
        // An owners edit made on an older version fails rather than overwrite a change made since (also the sync's).
        builder.Property(r => r.OwnerVersion).IsConcurrencyToken();
    }
}
