using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class IngestionRunConfiguration : IEntityTypeConfiguration<IngestionRun>
{
    public void Configure(EntityTypeBuilder<IngestionRun> builder)
    {
        builder.Property(r => r.Job).HasMaxLength(60);
        builder.Property(r => r.FirstCursor).HasMaxLength(200);
        builder.Property(r => r.LastCursor).HasMaxLength(200);
        builder.Property(r => r.LastRequestId).HasMaxLength(200);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.HasIndex(r => new { r.Job, r.StartedAt });
    }
}

public sealed class IngestionCursorConfiguration : IEntityTypeConfiguration<IngestionCursor>
{
    public void Configure(EntityTypeBuilder<IngestionCursor> builder)
    {
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.Property(c => c.Cursor).HasMaxLength(200);
    }
}

public sealed class QuarantinedRecordConfiguration : IEntityTypeConfiguration<QuarantinedRecord>
{
    public void Configure(EntityTypeBuilder<QuarantinedRecord> builder)
    {
        builder.Property(q => q.Reason).HasMaxLength(500);
        builder.HasIndex(q => q.IngestionRunId);
    }
}

public sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.Property(l => l.Holder).HasMaxLength(200);
    }
}
