using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class ClaudeRequestPermitConfiguration : IEntityTypeConfiguration<ClaudeRequestPermit>
{
    public void Configure(EntityTypeBuilder<ClaudeRequestPermit> builder)
    {
        builder.Property(p => p.Node).HasMaxLength(MaxLengths.ClaudeRequestPermit.Node);
        // Every grant prunes by this column and reads the oldest permit left in the window.
        builder.HasIndex(p => p.GrantedAt);
    }
}
