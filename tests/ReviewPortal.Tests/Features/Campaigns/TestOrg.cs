using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>
/// A small hand-made organization written straight to a portal's SQLite database, so a test knows
/// every holder, reviewer and rollup. Each instance has its own tag: its departments (hence its
/// peer groups), resources and names are unique, so many tests can share one database.
/// </summary>
public sealed class TestOrg
{
    private readonly List<Identity> _identities = [];
    private readonly List<Resource> _resources = [];
    private readonly List<Entitlement> _entitlements = [];
    private readonly List<Grant> _grants = [];

    public TestOrg(string name)
    {
        Tag = $"{name}-{Guid.NewGuid().ToString("N")[..6]}";
        Admin = Person("IAM Admin");
        Organization = Resource($"{Tag} org", ResourceKind.Organization, parent: null, owner: null);
    }

    public static DateTimeOffset Now => PortalAppFactory.Now;
    public string Tag { get; }
    /// <summary>The department everyone is in unless told otherwise: the org's own peer group.</summary>
    public string Department => $"{Tag} dept";
    /// <summary>Launches this org's campaigns and is the default fallback reviewer.</summary>
    public Identity Admin { get; }
    public Resource Organization { get; }
    public Viewer AdminViewer => Viewer(Admin, Roles.Admin);

    public Identity Person(string name, Identity? manager = null, bool departed = false, DateTimeOffset? lastActive = null,
        string? department = null)
    {
        var person = new Identity
        {
            ExternalId = $"user_{Tag}_{_identities.Count}", Kind = IdentityKind.Person, DisplayName = $"{name} ({Tag})",
            Email = $"p{_identities.Count}@{Tag}.example", Department = department ?? Department, Title = "Engineer", Manager = manager,
            EmploymentStatus = departed ? EmploymentStatus.Departed : EmploymentStatus.Active, CreatedAt = Now.AddYears(-1),
            LastActiveAt = lastActive ?? Now.AddHours(-6),
        };
        _identities.Add(person);
        return person;
    }

    public Identity Key(string name, Identity owner, DateTimeOffset? lastActive = null, IdentityKind kind = IdentityKind.ApiKey)
    {
        var key = new Identity
        {
            ExternalId = $"apikey_{Tag}_{_identities.Count}", Kind = kind, DisplayName = $"{name} ({Tag})", Owner = owner,
            CreatedAt = Now.AddYears(-1), LastActiveAt = lastActive ?? Now.AddHours(-6),
        };
        _identities.Add(key);
        return key;
    }

    public Resource Workspace(string name, Identity? owner) => Resource($"{Tag} {name}", ResourceKind.Workspace, Organization, owner);

    public Entitlement Role(Resource resource, string value, bool privileged = false, Entitlement? reducesTo = null,
        EntitlementKind? kind = null)
    {
        var entitlement = new Entitlement
        {
            Resource = resource, Value = value, DisplayName = $"{resource.Name}: {value}", IsPrivileged = privileged, ReducesTo = reducesTo,
            Kind = kind ?? (resource.Kind == ResourceKind.Organization ? EntitlementKind.OrgRole : EntitlementKind.WorkspaceRole),
        };
        _entitlements.Add(entitlement);
        return entitlement;
    }

    public Grant Grant(Identity holder, Entitlement entitlement, int grantedDaysAgo = 200)
    {
        var grant = new Grant { Identity = holder, Entitlement = entitlement, GrantedAt = Now.AddDays(-grantedDaysAgo) };
        _grants.Add(grant);
        return grant;
    }

    private readonly List<(Identity Identity, ActivityRollup Rollup)> _pending = [];

    /// <summary>Events on days counted back from launch day (0 = launch day, 29 = the oldest day of the 30-day window).</summary>
    public void Activity(Identity identity, IEnumerable<int> daysAgo, int countPerDay = 1, ActivityCategory category = ActivityCategory.ChatAndContent)
    {
        foreach (var day in daysAgo)
        {
            _pending.Add((identity, new ActivityRollup
            {
                Day = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-day), Category = category, Count = countPerDay,
            }));
        }
    }

    private readonly List<(Identity Identity, WorkspaceActivityRollup Rollup)> _pendingInWorkspaces = [];
    private readonly List<(Identity Identity, UsageRollup Rollup)> _pendingUsage = [];

    /// <summary>
    /// Feed events carrying <paramref name="workspace"/>'s id, as the store counts them (and overall, as it does too, unless
    /// <paramref name="alsoOverall"/> is false: for holders whose overall activity a test has already set).
    /// </summary>
    public void WorkspaceActivity(Identity identity, Resource workspace, IEnumerable<int> daysAgo, int countPerDay = 1,
        ActivityCategory category = ActivityCategory.Platform, bool alsoOverall = true)
    {
        foreach (var day in daysAgo.ToList())
        {
            _pendingInWorkspaces.Add((identity, new WorkspaceActivityRollup
            {
                WorkspaceId = workspace.ExternalId, Day = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-day), Category = category,
                Count = countPerDay,
            }));
            if (alsoOverall)
            {
                Activity(identity, [day], countPerDay, category);
            }
        }
    }

    /// <summary>Usage rows as the usage ingestion writes them, resolved to <paramref name="identity"/>: per day, tokens and requests.</summary>
    public void Usage(Identity identity, UsageSubject subject, IEnumerable<int> daysAgo, long tokensPerDay, long requestsPerDay = 10,
        Resource? workspace = null)
    {
        foreach (var day in daysAgo)
        {
            _pendingUsage.Add((identity, new UsageRollup
            {
                Subject = subject, SubjectId = identity.ExternalId, WorkspaceId = workspace?.ExternalId ?? "",
                Day = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-day), Requests = requestsPerDay,
                UncachedInputTokens = tokensPerDay / 2, OutputTokens = tokensPerDay - tokensPerDay / 2,
            }));
        }
    }

    public async Task SaveAsync(PortalAppFactory portal)
    {
        await using var db = await portal.CreateDbContextAsync();
        db.Identities.AddRange(_identities);
        db.Resources.AddRange(_resources);
        db.Entitlements.AddRange(_entitlements);
        db.Grants.AddRange(_grants);
        await db.SaveChangesAsync();
        foreach (var (identity, rollup) in _pending)
        {
            rollup.IdentityId = identity.Id;
            db.ActivityRollups.Add(rollup);
        }
        foreach (var (identity, rollup) in _pendingInWorkspaces)
        {
            rollup.IdentityId = identity.Id;
            db.WorkspaceActivityRollups.Add(rollup);
        }
        foreach (var (identity, rollup) in _pendingUsage)
        {
            rollup.IdentityId = identity.Id;
            db.UsageRollups.Add(rollup);
        }
        await db.SaveChangesAsync();
        _pending.Clear();
        _pendingInWorkspaces.Clear();
        _pendingUsage.Clear();
    }

    /// <summary>A definition over everything in this org (and its workspaces), due in two weeks, reviewed by managers.</summary>
    public CampaignDefinition Definition(Action<CampaignDefinition>? configure = null)
    {
        var definition = new CampaignDefinition
        {
            Name = $"{Tag} review",
            ResourceIds = [Organization.Id],
            EntitlementKinds = [.. Enum.GetValues<EntitlementKind>()],
            IdentityKinds = [.. Enum.GetValues<IdentityKind>()],
            Reviewer = ReviewerRule.Manager,
            FallbackReviewerId = Admin.Id,
            DueAt = Now.AddDays(14),
            UnreviewedOutcome = UnreviewedOutcome.NoChange,
        };
        configure?.Invoke(definition);
        return definition;
    }

    public static Viewer Viewer(Identity identity, params string[] roles) => new(identity.Id, identity.DisplayName, roles.ToHashSet());

    private Resource Resource(string name, ResourceKind kind, Resource? parent, Identity? owner)
    {
        var resource = new Resource
        {
            ExternalId = $"res_{Tag}_{_resources.Count}", Kind = kind, Platform = Platform.ClaudeConsole, Name = name, Parent = parent,
            Owner = owner, CreatedAt = Now.AddYears(-2),
        };
        _resources.Add(resource);
        return resource;
    }
}
