using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class OutboxEmailConfiguration : IEntityTypeConfiguration<OutboxEmail>
{
    public void Configure(EntityTypeBuilder<OutboxEmail> builder)
    {
        builder.Property(m => m.DeduplicationKey).HasMaxLength(MaxLengths.OutboxEmail.DeduplicationKey);
        builder.HasIndex(m => m.DeduplicationKey).IsUnique();
        builder.Property(m => m.To).HasMaxLength(MaxLengths.OutboxEmail.To);
        builder.Property(m => m.Subject).HasMaxLength(MaxLengths.OutboxEmail.Subject);
        builder.Property(m => m.LastError).HasMaxLength(MaxLengths.OutboxEmail.LastError);
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
    }
}
