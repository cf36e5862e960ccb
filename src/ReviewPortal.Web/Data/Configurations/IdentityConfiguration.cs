using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class IdentityConfiguration : IEntityTypeConfiguration<Identity>
{
    public void Configure(EntityTypeBuilder<Identity> builder)
    {
        builder.HasIndex(i => i.ExternalId).IsUnique();
        builder.Property(i => i.ExternalId).HasMaxLength(MaxLengths.Identity.ExternalId);
        builder.Property(i => i.DisplayName).HasMaxLength(MaxLengths.Identity.DisplayName);
        builder.Property(i => i.Email).HasMaxLength(MaxLengths.Identity.Email);
        builder.Property(i => i.Department).HasMaxLength(MaxLengths.Identity.Department);
        builder.Property(i => i.Title).HasMaxLength(MaxLengths.Identity.Title);
        builder.Property(i => i.Status).HasMaxLength(MaxLengths.Identity.Status);
        builder.Property(i => i.KeyHint).HasMaxLength(MaxLengths.Identity.KeyHint);
        builder.HasIndex(i => i.Email);
        builder.Property(i => i.DirectoryId).HasMaxLength(MaxLengths.Identity.DirectoryId);
        builder.HasIndex(i => i.DirectoryId);
        builder.HasIndex(i => new { i.Kind, i.Department });
        builder.HasOne(i => i.Manager).WithMany().HasForeignKey(i => i.ManagerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(i => i.Owner).WithMany().HasForeignKey(i => i.OwnerId).OnDelete(DeleteBehavior.Restrict);
        // Explicitly not unique: EF first pairs Manager/Owner as a one-to-one by convention.
        builder.HasIndex(i => i.ManagerId).IsUnique(false);
        builder.HasIndex(i => i.OwnerId).IsUnique(false);
        builder.HasOne(i => i.UpstreamOwner).WithMany().HasForeignKey(i => i.UpstreamOwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(i => i.UpstreamOwnerId).IsUnique(false);
        builder.HasOne<Identity>().WithMany().HasForeignKey(i => i.OwnerAssignedById).OnDelete(DeleteBehavior.Restrict);
        // An owner transfer decided on an older version fails rather than overwrite a change made since (also the sync's).
        builder.Property(i => i.OwnerVersion).IsConcurrencyToken();
        builder.Ignore(i => i.IsHuman);
    }
}
