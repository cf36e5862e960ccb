using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Demo;

/// <summary>
/// Writes a deterministic synthetic company straight into an empty database so the first run
/// shows a living portal. Stands in until ingestion from the simulated Claude API fills it.
/// </summary>
public sealed class DemoOrganizationSeeder(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time,
    ILogger<DemoOrganizationSeeder> logger)
{
    private static readonly (string Name, string[] Titles)[] Departments =
    [
        ("Engineering", ["Software Engineer", "Senior Software Engineer", "Staff Engineer"]),
        ("Data Science", ["Data Scientist", "ML Engineer"]),
        ("Product", ["Product Manager", "Designer"]),
        ("Sales", ["Account Executive", "Sales Engineer"]),
        ("Marketing", ["Marketing Manager", "Content Strategist"]),
        ("Finance", ["Financial Analyst", "Controller"]),
        ("IT", ["IAM Engineer", "IT Support Engineer"]),
        ("Compliance", ["Compliance Auditor", "Risk Analyst"]),
    ];

    private static readonly string[] FirstNames =
    [
        "Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan", "Kai", "Logan", "Morgan", "Noa",
        "Parker", "Quinn", "Reese", "Sage", "Taylor", "Rowan", "Skyler", "Ari", "Dana", "Elliot", "Jamie", "Robin",
    ];

    private static readonly string[] LastNames =
    [
        "Okafor", "Lindqvist", "Nakamura", "Fernandes", "Kowalski", "Haddad", "Moreau", "Castillo", "Ibrahim", "Novak",
        "Schmidt", "Rossi", "Tanaka", "Larsen", "Mensah", "Petrov", "Duarte", "Sato", "Brennan", "Varga",
    ];

    public async Task<bool> SeedIfEmptyAsync(int people = 300, int seed = 20261126, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Identities.AnyAsync(cancellationToken))
        {
            return false;
        }
        var now = time.GetUtcNow();
        var random = new Random(seed);
        var company = BuildPeople(random, people, now);
        db.Identities.AddRange(company);
        await db.SaveChangesAsync(cancellationToken);

        var (enterprise, console, workspaces, groups) = BuildResources(db, company, now);
        await db.SaveChangesAsync(cancellationToken);

        var keys = BuildNonHumanIdentities(random, company, now);
        db.Identities.AddRange(keys);
        await db.SaveChangesAsync(cancellationToken);

        BuildGrants(db, random, company, keys, enterprise, console, workspaces, groups, now);
        BuildActivity(db, random, company, keys, now);
        await db.SaveChangesAsync(cancellationToken);
        await DemoWorkSeeder.SeedAsync(db, now, cancellationToken);
        db.Audit(AuditActor.System("demo-seed", now, Guid.NewGuid().ToString("N")), "demo.organization-seeded",
            new AuditTarget("Organization", enterprise.ExternalId), after: new { people = company.Count, nonHuman = keys.Count });
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Seeded demo organization: {People} people, {Keys} non-human identities", company.Count, keys.Count);
        return true;
    }

    private static List<Identity> BuildPeople(Random random, int count, DateTimeOffset now)
    {
        var people = new List<Identity>();
        Identity Person(int n, string department, string title, Identity? manager)
        {
            var first = FirstNames[n % FirstNames.Length];
            var last = LastNames[(n / FirstNames.Length + n) % LastNames.Length];
            var person = new Identity
            {
                ExternalId = $"user_demo{n:D5}",
                Kind = IdentityKind.Person,
                DisplayName = $"{first} {last}",
                Email = $"{first}.{last}{n}@acme.example".ToLowerInvariant(),
                Department = department,
                Title = title,
                Manager = manager,
                CreatedAt = now.AddDays(-400 + random.Next(300)),
                LastSyncedAt = now,
            };
            people.Add(person);
            return person;
        }

        var ceo = Person(0, "Executive", "Chief Executive Officer", null);
        var n = 1;
        foreach (var (department, titles) in Departments)
        {
            var head = Person(n++, department, $"Head of {department}", ceo);
            var managers = Enumerable.Range(0, 2).Select(_ => Person(n++, department, $"{department} Manager", head)).ToList();
            var share = (count - 1) / Departments.Length - 3;
            for (var s = 0; s < share; s++)
            {
                // The first manager of each department carries the larger team.
                var manager = s % 3 == 2 ? managers[1] : managers[0];
                Person(n++, department, titles[s % titles.Length], manager);
            }
        }
        // About 3% have left: still the owners of keys nobody took over.
        foreach (var leaver in people.Where(p => p.ManagerId is null && p.Manager is { Manager: not null }).Where((_, i) => i % 33 == 7))
        {
            leaver.EmploymentStatus = EmploymentStatus.Departed;
            leaver.DepartedAt = now.AddDays(-20 - random.Next(40));
            leaver.Status = "removed";
        }
        return people;
    }

    private static (Resource Enterprise, Resource Console, List<Resource> Workspaces, List<Resource> Groups) BuildResources(
        ReviewPortalDbContext db, List<Identity> people, DateTimeOffset now)
    {
        Identity Manager(string department) => people.First(p => p.Department == department && p.Title == $"{department} Manager");
        var enterprise = new Resource { ExternalId = "6f1d8f2e-0000-4000-8000-00000000e001", Kind = ResourceKind.Organization,
            Platform = Platform.ClaudeEnterprise, Name = "Acme (Claude Enterprise)", CreatedAt = now.AddYears(-1),
            Owner = people.First(p => p.Title == "IAM Engineer") };
        var console = new Resource { ExternalId = "6f1d8f2e-0000-4000-8000-00000000c001", Kind = ResourceKind.Organization,
            Platform = Platform.ClaudeConsole, Name = "Acme Platform (Claude Console)", CreatedAt = now.AddYears(-1),
            Owner = people.First(p => p.Title == "IAM Engineer"), Parent = enterprise };
        var workspaces = new List<Resource>
        {
            new() { ExternalId = "wrkspc_demo_prod", Kind = ResourceKind.Workspace, Platform = Platform.ClaudeConsole, Name = "prod", Parent = console, Owner = Manager("Engineering"), CreatedAt = now.AddDays(-300) },
            new() { ExternalId = "wrkspc_demo_staging", Kind = ResourceKind.Workspace, Platform = Platform.ClaudeConsole, Name = "staging", Parent = console, Owner = Manager("Engineering"), CreatedAt = now.AddDays(-290) },
            new() { ExternalId = "wrkspc_demo_research", Kind = ResourceKind.Workspace, Platform = Platform.ClaudeConsole, Name = "research", Parent = console, Owner = Manager("Data Science"), CreatedAt = now.AddDays(-200) },
            new() { ExternalId = "wrkspc_demo_datasci", Kind = ResourceKind.Workspace, Platform = Platform.ClaudeConsole, Name = "data-science", Parent = console, Owner = Manager("Data Science"), CreatedAt = now.AddDays(-150) },
        };
        var groups = new List<Resource>
        {
            new() { ExternalId = "rbac_group_demo_eng", Kind = ResourceKind.Group, Platform = Platform.ClaudeEnterprise, Name = "Engineering", Parent = enterprise, CreatedAt = now.AddDays(-300) },
            new() { ExternalId = "rbac_group_demo_claude_code", Kind = ResourceKind.Group, Platform = Platform.ClaudeEnterprise, Name = "Claude Code users", Parent = enterprise, CreatedAt = now.AddDays(-250) },
        };
        db.Resources.AddRange([enterprise, console, .. workspaces, .. groups]);

        var enterpriseUser = Role(enterprise, EntitlementKind.OrgRole, "user", "Enterprise member (user)", false);
        Role(enterprise, EntitlementKind.OrgRole, "owner", "Enterprise owner", true, enterpriseUser);
        var consoleUser = Role(console, EntitlementKind.OrgRole, "user", "Console user", false);
        Role(console, EntitlementKind.OrgRole, "developer", "Console developer", false, consoleUser);
        Role(console, EntitlementKind.OrgRole, "admin", "Console admin", true, consoleUser);
        foreach (var ws in workspaces)
        {
            var user = Role(ws, EntitlementKind.WorkspaceRole, "workspace_user", $"{ws.Name}: workspace user", false, requestable: true, maxDays: 180);
            Role(ws, EntitlementKind.WorkspaceRole, "workspace_developer", $"{ws.Name}: workspace developer", false, user, true, 90);
            Role(ws, EntitlementKind.WorkspaceRole, "workspace_admin", $"{ws.Name}: workspace admin", true, user);
            Role(ws, EntitlementKind.ApiKey, "active", $"{ws.Name}: API key", false, requestable: true, maxDays: 365);
        }
        foreach (var group in groups)
        {
            Role(group, EntitlementKind.GroupMembership, "member", $"{group.Name} group member", false, requestable: true);
        }
        return (enterprise, console, workspaces, groups);

        Entitlement Role(Resource resource, EntitlementKind kind, string value, string name, bool privileged,
            Entitlement? reducesTo = null, bool requestable = false, int? maxDays = null)
        {
            var entitlement = new Entitlement { Resource = resource, Kind = kind, Value = value, DisplayName = name,
                IsPrivileged = privileged, ReducesTo = reducesTo, IsRequestable = requestable, MaxDurationDays = maxDays,
                AllowsPermanent = maxDays is null };
            resource.Entitlements.Add(entitlement);
            return entitlement;
        }
    }

    private static List<Identity> BuildNonHumanIdentities(Random random, List<Identity> people, DateTimeOffset now)
    {
        var builders = people.Where(p => p.Department is "Engineering" or "Data Science" && p.Manager?.Manager is not null).ToList();
        var keys = new List<Identity>();
        string[] purposes = ["support-bot", "ci-summarizer", "etl-enricher", "sales-assistant", "code-review-agent", "search-indexer", "batch-eval", "doc-writer"];
        for (var k = 0; k < 40; k++)
        {
            var owner = k % 9 == 4 ? people.Where(p => p.EmploymentStatus == EmploymentStatus.Departed).ElementAt(k % 3) : builders[(k * 7) % builders.Count];
            keys.Add(new Identity
            {
                ExternalId = $"apikey_demo{k:D4}", Kind = IdentityKind.ApiKey,
                DisplayName = $"{purposes[k % purposes.Length]}-{k:D2}", Owner = owner,
                KeyHint = $"sk-ant-api03-{(char)('A' + k % 26)}{k:D2}...{(char)('a' + k % 26)}QAA", CreatedAt = now.AddDays(-30 - random.Next(300)),
                LastSyncedAt = now,
            });
        }
        for (var s = 0; s < 6; s++)
        {
            keys.Add(new Identity
            {
                ExternalId = $"svac_demo{s:D3}", Kind = IdentityKind.ServiceAccount, DisplayName = $"svc-{purposes[s]}",
                Owner = builders[(s * 11) % builders.Count], CreatedAt = now.AddDays(-100 - random.Next(200)), LastSyncedAt = now,
            });
        }
        return keys;
    }

    private static void BuildGrants(ReviewPortalDbContext db, Random random, List<Identity> people, List<Identity> keys,
        Resource enterprise, Resource console, List<Resource> workspaces, List<Resource> groups, DateTimeOffset now)
    {
        void Grant(Identity who, Entitlement what, int daysAgo, DateTimeOffset? ended = null) => db.Grants.Add(new Grant
        {
            Identity = who, Entitlement = what, GrantedAt = now.AddDays(-daysAgo), EndedAt = ended,
            Source = GrantSource.DirectorySync, LastSeenInSyncAt = ended is null ? now : null,
        });
        Entitlement E(Resource r, string value, EntitlementKind? kind = null) =>
            r.Entitlements.First(e => e.Value == value && (kind is null || e.Kind == kind));

        foreach (var person in people)
        {
            var tenure = random.Next(30, 380);
            var departed = person.EmploymentStatus == EmploymentStatus.Departed;
            var ended = departed ? person.DepartedAt : null;
            var owner = person.Title is "IAM Engineer" || person.Title == "Chief Executive Officer";
            Grant(person, E(enterprise, owner ? "owner" : "user"), tenure, ended);
            if (person.Department is "Engineering" or "Data Science" or "IT")
            {
                var consoleRole = person.Title is "IAM Engineer" || person.Title!.StartsWith("Head") ? "admin" : person.Title.Contains("Engineer") || person.Title.Contains("Scien") ? "developer" : "user";
                Grant(person, E(console, consoleRole), tenure, ended);
                var home = person.Department == "Data Science" ? workspaces[random.Next(2, 4)] : workspaces[random.Next(0, 2)];
                var role = person.Title!.Contains("Manager") ? "workspace_admin" : random.Next(3) == 0 ? "workspace_user" : "workspace_developer";
                Grant(person, E(home, role), random.Next(20, tenure + 1), ended);
                if (random.Next(4) == 0)
                {
                    Grant(person, E(workspaces[random.Next(workspaces.Count)], "workspace_user"), random.Next(10, 200), ended);
                }
                Grant(person, E(groups[0], "member"), tenure, ended);
            }
            if (random.Next(3) == 0)
            {
                Grant(person, E(groups[1], "member"), random.Next(5, 200), ended);
            }
        }
        foreach (var key in keys)
        {
            var ws = workspaces[Math.Abs(key.ExternalId.GetHashCode(StringComparison.Ordinal)) % workspaces.Count];
            Grant(key, E(ws, "active", EntitlementKind.ApiKey), (int)(now - key.CreatedAt).TotalDays);
            if (key.Kind == IdentityKind.ServiceAccount)
            {
                Grant(key, E(ws, "workspace_developer"), (int)(now - key.CreatedAt).TotalDays);
            }
        }
    }

    /// <summary>Daily rollups over 60 days with the patterns reviewers must tell apart.</summary>
    private static void BuildActivity(ReviewPortalDbContext db, Random random, List<Identity> people, List<Identity> keys,
        DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var (identity, index) in people.Concat(keys).Select((x, i) => (x, i)))
        {
            // Profiles: 0-1 busy, 2-5 regular, 6 occasional, 7 dormant (silent for the last 45 days).
            var profile = index % 8;
            var departed = identity.EmploymentStatus == EmploymentStatus.Departed;
            var spike = identity.Kind == IdentityKind.ApiKey && identity.ExternalId == "apikey_demo0007";
            DateTimeOffset? last = null;
            for (var back = 59; back >= 0; back--)
            {
                var day = today.AddDays(-back);
                var silent = profile == 7 && back < 45 || departed && identity.DepartedAt is { } d && day > DateOnly.FromDateTime(d.UtcDateTime);
                var chance = profile switch { <= 1 => 0.92, <= 5 => 0.6, 6 => 0.15, _ => 0.1 };
                if (silent || random.NextDouble() > chance)
                {
                    continue;
                }
                if (identity.Kind == IdentityKind.Person)
                {
                    Add(identity, day, ActivityCategory.SignIn, 1 + random.Next(2));
                    Add(identity, day, ActivityCategory.ChatAndContent, random.Next(1, profile <= 1 ? 30 : 8));
                    if (identity.Department is "Engineering" or "Data Science" && random.Next(2) == 0)
                    {
                        Add(identity, day, ActivityCategory.ClaudeCode, random.Next(1, 12));
                    }
                }
                else
                {
                    var volume = random.Next(20, 120) * (spike && back < 7 ? 9 : 1);
                    Add(identity, day, ActivityCategory.ApiKeyUse, volume);
                }
                last = new DateTimeOffset(day.ToDateTime(new TimeOnly(9 + random.Next(9), random.Next(60))), TimeSpan.Zero);
            }
            identity.LastActiveAt = last is { } l && l > now ? now : last;
        }

        void Add(Identity identity, DateOnly day, ActivityCategory category, int count) =>
            db.ActivityRollups.Add(new ActivityRollup { IdentityId = identity.Id, Day = day, Category = category, Count = count });
    }
}
