using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data;

/// <summary>
/// The app database. Abstract over the provider: <see cref="SqliteReviewPortalDbContext"/>,
/// <see cref="SqlServerReviewPortalDbContext"/> and <see cref="PostgresReviewPortalDbContext"/> each own one
/// migration set (EF binds a migration set to a context type, so three providers need three types).
/// </summary>
public abstract partial class ReviewPortalDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Identity> Identities => Set<Identity>();
    public DbSet<DirectoryPerson> DirectoryPeople => Set<DirectoryPerson>();
    public DbSet<Resource> Resources => Set<Resource>();
    public DbSet<Entitlement> Entitlements => Set<Entitlement>();
    public DbSet<Grant> Grants => Set<Grant>();
    public DbSet<GrantEvent> GrantEvents => Set<GrantEvent>();
    public DbSet<ActivityEvent> ActivityEvents => Set<ActivityEvent>();
    public DbSet<ActivityRollup> ActivityRollups => Set<ActivityRollup>();
    public DbSet<UsageRollup> UsageRollups => Set<UsageRollup>();
    public DbSet<WorkspaceActivityRollup> WorkspaceActivityRollups => Set<WorkspaceActivityRollup>();
    public DbSet<AccessRequest> AccessRequests => Set<AccessRequest>();
    public DbSet<ApprovalStep> ApprovalSteps => Set<ApprovalStep>();
    public DbSet<ApprovalPolicy> ApprovalPolicies => Set<ApprovalPolicy>();
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignTemplate> CampaignTemplates => Set<CampaignTemplate>();
    public DbSet<CampaignTemplateRun> CampaignTemplateRuns => Set<CampaignTemplateRun>();
    public DbSet<ReviewItem> ReviewItems => Set<ReviewItem>();
    public DbSet<ReviewDecision> ReviewDecisions => Set<ReviewDecision>();
    public DbSet<EvidenceSnapshot> EvidenceSnapshots => Set<EvidenceSnapshot>();
    public DbSet<ReviewerDelegation> ReviewerDelegations => Set<ReviewerDelegation>();
    public DbSet<RemediationTask> RemediationTasks => Set<RemediationTask>();
    public DbSet<OutboxEmail> OutboxEmails => Set<OutboxEmail>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<IngestionRun> IngestionRuns => Set<IngestionRun>();
    public DbSet<IngestionCursor> IngestionCursors => Set<IngestionCursor>();
    public DbSet<QuarantinedRecord> QuarantinedRecords => Set<QuarantinedRecord>();
    public DbSet<JobLease> JobLeases => Set<JobLease>();
    public DbSet<ClaudeRequestPermit> ClaudeRequestPermits => Set<ClaudeRequestPermit>();
    public DbSet<LifecycleRule> LifecycleRules => Set<LifecycleRule>();
    public DbSet<PortalDefaults> Defaults => Set<PortalDefaults>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public abstract DatabaseProvider Provider { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ReviewPortalDbContext).Assembly);
}

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    Postgres,
}

public sealed class SqliteReviewPortalDbContext(DbContextOptions<SqliteReviewPortalDbContext> options)
    : ReviewPortalDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no native DateTimeOffset: stored as sortable UTC ticks so range filters
        // and ORDER BY run in SQL rather than in memory.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }
}

public sealed class SqlServerReviewPortalDbContext(DbContextOptions<SqlServerReviewPortalDbContext> options)
    : ReviewPortalDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;
}

public sealed class PostgresReviewPortalDbContext(DbContextOptions<PostgresReviewPortalDbContext> options)
    : ReviewPortalDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // timestamptz holds an instant and Npgsql refuses a DateTimeOffset with a non-zero offset: every value is
        // written as UTC, whatever offset the caller's value carried.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcOffsetConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcOffsetConverter>();
    }
}
