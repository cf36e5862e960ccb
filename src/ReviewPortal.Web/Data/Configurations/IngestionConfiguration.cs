using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class IngestionRunConfiguration : IEntityTypeConfiguration<IngestionRun>
{
    public void Configure(EntityTypeBuilder<IngestionRun> builder)
    {
        builder.Property(r => r.Job).HasMaxLength(MaxLengths.IngestionRun.Job);
        builder.Property(r => r.FirstCursor).HasMaxLength(MaxLengths.IngestionRun.FirstCursor);
        builder.Property(r => r.LastCursor).HasMaxLength(MaxLengths.IngestionRun.LastCursor);
        builder.Property(r => r.LastRequestId).HasMaxLength(MaxLengths.IngestionRun.LastRequestId);
        builder.Property(r => r.Error).HasMaxLength(MaxLengths.IngestionRun.Error);
        builder.HasIndex(r => new { r.Job, r.StartedAt });
    }
}

public sealed class IngestionCursorConfiguration : IEntityTypeConfiguration<IngestionCursor>
{
    public void Configure(EntityTypeBuilder<IngestionCursor> builder)
    {
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(MaxLengths.IngestionCursor.Name);
        builder.Property(c => c.Cursor).HasMaxLength(MaxLengths.IngestionCursor.Cursor);
    }
}

public sealed class QuarantinedRecordConfiguration : IEntityTypeConfiguration<QuarantinedRecord>
{
    public void Configure(EntityTypeBuilder<QuarantinedRecord> builder)
    {
        builder.Property(q => q.Reason).HasMaxLength(MaxLengths.QuarantinedRecord.Reason);
        builder.HasIndex(q => q.IngestionRunId);
    }
}

public sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(MaxLengths.JobLease.Name);
        builder.Property(l => l.Holder).HasMaxLength(MaxLengths.JobLease.Holder);
    }
}
