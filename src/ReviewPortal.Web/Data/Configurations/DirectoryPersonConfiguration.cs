using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class DirectoryPersonConfiguration : IEntityTypeConfiguration<DirectoryPerson>
{
    public void Configure(EntityTypeBuilder<DirectoryPerson> builder)
    {
        builder.HasKey(p => p.SourceId);
        builder.Property(p => p.SourceId).HasMaxLength(MaxLengths.DirectoryPerson.SourceId);
        builder.Property(p => p.Email).HasMaxLength(MaxLengths.DirectoryPerson.Email);
        builder.Property(p => p.FullName).HasMaxLength(MaxLengths.DirectoryPerson.FullName);
        builder.Property(p => p.Department).HasMaxLength(MaxLengths.DirectoryPerson.Department);
        builder.Property(p => p.Title).HasMaxLength(MaxLengths.DirectoryPerson.Title);
        builder.Property(p => p.ManagerSourceId).HasMaxLength(MaxLengths.DirectoryPerson.ManagerSourceId);
        builder.HasIndex(p => p.Email);
    }
}
