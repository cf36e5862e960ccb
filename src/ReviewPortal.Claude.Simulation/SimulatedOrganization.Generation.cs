using ReviewPortal.Claude.Models;

namespace ReviewPortal.Claude.Simulation;

// The generator: directory first, then the feed history. Every random draw comes from one seeded Random in a fixed
// order, which is what makes the organization deterministic.
public sealed partial class SimulatedOrganization
{
    private readonly List<(ApiKey Key, string Usage)> _keyUsage = [];

    private void Build(Random rng)
    {
        var start = Anchor.AddDays(-_options.HistoryDays);
        BuildPeople(rng, start);
        BuildConsoleMembers(rng);
        BuildRolesAndGroups(rng, start);
        BuildWorkspaces(rng, start);
        BuildServiceAccounts(rng);
        BuildApiKeys(rng, start);
        GeneratePeopleActivity(rng, start);
        GenerateKeyActivity(rng, start);
        GenerateBackgroundActivity(rng, start);
        // After the feed history and from its own Random, so nothing generated above changes.
        BuildMessagesOnlyKeys();
    }

    private void BuildPeople(Random rng, DateTimeOffset start)
    {
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var managersByDept = Departments.ToDictionary(d => d, _ => new List<string>());
        var heads = new Dictionary<string, string>();
        var count = Math.Max(_options.People, Departments.Length + 2);
        for (var i = 0; i < count; i++)
        {
            var first = FirstNames[rng.Next(FirstNames.Length)];
            var last = LastNames[rng.Next(LastNames.Length)];
            var email = $"{first}.{last}@{Domain}".ToLowerInvariant();
            for (var n = 2; !emails.Add(email); n++)
            {
                email = $"{first}.{last}{n}@{Domain}".ToLowerInvariant();
            }

            var id = NewId(rng, "user_01", 20);
            string department, title;
            string? manager;
            if (i == 0)
            {
                (department, title, manager) = ("Executive", "Chief Executive Officer", null);
            }
            else if (i <= Departments.Length)
            {
                department = Departments[i - 1];
                (title, manager) = ($"VP, {department}", _people[0].UserId);
                heads[department] = id;
            }
            else
            {
                department = PickWeighted(rng, Departments, DepartmentWeights);
                var managers = managersByDept[department];
                if (rng.NextDouble() < 0.12 || managers.Count == 0)
                {
                    (title, manager) = ($"{department} Manager", heads[department]);
                    managers.Add(id);
                }
                else
                {
                    title = IndividualTitle(rng, department);
                    manager = managers[rng.Next(managers.Count)];
                }
            }

            // Most people joined before the history window; a few join inside it so the feed shows them being added.
            var joinedAt = rng.NextDouble() < 0.08 && i > Departments.Length
                ? Anchor.AddDays(-rng.Next(5, Math.Max(6, _options.HistoryDays - 5))).AddMinutes(rng.Next(540, 1020))
                : start.AddDays(-rng.Next(30, 1500));
            var departed = i > Departments.Length && rng.NextDouble() < 0.06;
            DateTimeOffset? departedAt = departed
                ? Anchor.AddDays(-rng.Next(3, Math.Max(4, _options.HistoryDays - 5))).AddHours(rng.Next(9, 18))
                : null;
            if (departedAt <= joinedAt)
            {
                departedAt = null;
            }

            var roll = rng.NextDouble();
            var profile = roll switch { < 0.2 => "busy", < 0.72 => "regular", < 0.9 => "dormant", _ => "never" };
            _people.Add(new SimulatedPerson(id, email, $"{first} {last}", department, title, manager, departedAt is null, departedAt)
            {
                JoinedAt = joinedAt,
                Profile = departedAt is null ? profile : "regular",
            });
        }

        // Enterprise roles: the CEO is primary owner, two VPs are owners, one People Ops person administers members.
        SetPerson(0, p => p with { EnterpriseRole = "primary_owner", Profile = "busy" });
        SetPerson(1, p => p with { EnterpriseRole = "owner" });
        SetPerson(Departments.Length, p => p with { EnterpriseRole = "owner" });
        var membershipAdmin = _people.FindIndex(p => p.Department == "People Ops" && p.Employed && !p.Title.StartsWith("VP", StringComparison.Ordinal));
        if (membershipAdmin > 0)
        {
            SetPerson(membershipAdmin, p => p with { EnterpriseRole = "membership_admin", Profile = "regular" });
        }
    }

    private void SetPerson(int index, Func<SimulatedPerson, SimulatedPerson> change) => _people[index] = change(_people[index]);

    private static string IndividualTitle(Random rng, string department)
    {
        string[] titles = department switch
        {
            "Engineering" => ["Software Engineer", "Senior Software Engineer", "Staff Engineer", "Site Reliability Engineer", "Security Engineer"],
            "Data Science" => ["Data Scientist", "Senior Data Scientist", "ML Engineer", "Data Engineer"],
            "Product" => ["Product Manager", "Senior Product Manager", "Product Designer"],
            "Sales" => ["Account Executive", "Sales Engineer", "Sales Development Rep"],
            "Marketing" => ["Marketing Manager", "Content Strategist", "Growth Analyst"],
            "Finance" => ["Financial Analyst", "Accountant", "Controller"],
            "Legal" => ["Counsel", "Paralegal", "Compliance Analyst"],
            _ => ["HR Business Partner", "Recruiter", "People Operations Specialist"],
        };
        return titles[rng.Next(titles.Length)];
    }

    private static string PickWeighted(Random rng, string[] items, int[] weights)
    {
        var roll = rng.Next(weights.Sum());
        for (var i = 0; i < items.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return items[i];
            }
        }

        return items[^1];
    }

    private void BuildConsoleMembers(Random rng)
    {
        var members = new List<ConsoleMember>();
        var admins = 0;
        foreach (var person in _people.Where(p => p.Employed).ToList())
        {
            var inConsole = person.Department is "Engineering" or "Data Science" || (person.Department == "Product" && rng.NextDouble() < 0.25);
            var role = person.Department switch
            {
                "Engineering" when person.Title.StartsWith("VP", StringComparison.Ordinal) => "admin",
                "Engineering" or "Data Science" => rng.NextDouble() switch { < 0.6 => "developer", < 0.75 => "claude_code_user", _ => "user" },
                _ => "user",
            };
            if (person.Department == "Finance" && !members.Any(m => m.Role == "billing"))
            {
                (inConsole, role) = (true, "billing");
            }

            // Three more admins: one acts as the IAM operator, two hold admin rights they never use.
            if (inConsole && role != "admin" && admins < 3 && person.Department == "Engineering" && rng.NextDouble() < 0.2)
            {
                role = "admin";
                admins++;
                var index = _people.FindIndex(p => p.UserId == person.UserId);
                SetPerson(index, p => p with { Profile = admins == 1 ? "acting-admin" : "idle-admin" });
            }

            if (inConsole)
            {
                var added = person.JoinedAt.AddDays(rng.Next(0, 20));
                members.Add(new ConsoleMember(person.UserId, role, added > Anchor ? person.JoinedAt : added));
            }
        }

        ConsoleMembers.AddRange(members.OrderByDescending(m => m.AddedAt).ThenBy(m => m.UserId, StringComparer.Ordinal));
    }

    private void BuildRolesAndGroups(Random rng, DateTimeOffset start)
    {
        var created = start.AddDays(-200);
        foreach (var (name, description) in new[]
                 {
                     ("Claude Code Users", "Can use Claude Code"),
                     ("Analysts", "Research and data analysis projects"),
                     ("Connector Managers", "Can manage organization connectors"),
                 })
        {
            Roles.Add(new ComplianceRole { Id = NewId(rng, "rbac_role_01", 20), Name = name, Description = description, CreatedAt = created, UpdatedAt = created });
        }

        foreach (var department in Departments)
        {
            var group = new ComplianceGroup
            {
                Id = NewId(rng, "rbac_group_01", 20),
                Name = $"dept-{department.ToLowerInvariant().Replace(' ', '-')}",
                Description = $"All of {department} (synced from Entra ID)",
                SourceType = "scim",
                Roles = department is "Engineering" or "Data Science" ? [Roles[0].Id] : department == "Product" ? [Roles[1].Id] : null,
                CreatedAt = created,
                UpdatedAt = created,
            };
            var members = _people.Where(p => p.Employed && p.Department == department)
                .Select(p => new ComplianceGroupMember { UserId = p.UserId, Email = p.Email, CreatedAt = Max(p.JoinedAt, created), UpdatedAt = Max(p.JoinedAt, created) })
                .ToList();
            Groups.Add(new SimulatedGroup(group, members));
        }

        var powerUsers = new ComplianceGroup
        {
            Id = NewId(rng, "rbac_group_01", 20),
            Name = "claude-power-users",
            Description = "Early adopters with connector access",
            SourceType = "direct",
            Roles = [Roles[2].Id],
            CreatedAt = created,
            UpdatedAt = created,
        };
        Groups.Add(new SimulatedGroup(powerUsers, _people.Where(p => p.Employed && p.Profile == "busy" && rng.NextDouble() < 0.5)
            .Select(p => new ComplianceGroupMember { UserId = p.UserId, Email = p.Email, CreatedAt = created, UpdatedAt = created }).ToList()));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void BuildWorkspaces(Random rng, DateTimeOffset start)
    {
        string[] names = ["prod", "staging", "research", "data-science"];
        string[] colors = ["#cc785c", "#6a9bcc", "#788c5d", "#b0aea5"];
        for (var i = 0; i < _options.Workspaces; i++)
        {
            WorkspaceList.Add(new Workspace
            {
                Id = NewId(rng, "wrkspc_01", 20),
                Name = i < names.Length ? names[i] : $"sandbox-{i - names.Length + 1}",
                CreatedAt = start.AddDays(-rng.Next(100, 600)),
                DisplayColor = colors[i % colors.Length],
            });
        }

        foreach (var member in ConsoleMembers.Where(m => m.Role != "billing").OrderBy(m => m.UserId, StringComparer.Ordinal))
        {
            var person = FindPerson(member.UserId)!;
            foreach (var workspace in WorkspaceList)
            {
                var chance = (person.Department, workspace.Name) switch
                {
                    ("Engineering", "prod") => 0.35,
                    ("Engineering", "staging") => 0.6,
                    ("Data Science", "data-science") => 0.85,
                    ("Data Science", "research") => 0.5,
                    ("Product", "research") => 0.5,
                    _ => 0.05,
                };
                if (rng.NextDouble() >= chance)
                {
                    continue;
                }

                var role = member.Role == "admin" ? "workspace_admin" : rng.NextDouble() switch
                {
                    < 0.08 => "workspace_admin",
                    < 0.7 => "workspace_developer",
                    < 0.85 => "workspace_restricted_developer",
                    _ => "workspace_user",
                };
                WorkspaceMembers.Add(new WorkspaceMember { UserId = member.UserId, WorkspaceId = workspace.Id, WorkspaceRole = role });

                // Some memberships were granted inside the window, so the feed shows who added them.
                var addedAt = Anchor.AddDays(-rng.Next(1, _options.HistoryDays)).AddHours(rng.Next(9, 18));
                if (rng.NextDouble() < 0.15 && addedAt > person.JoinedAt)
                {
                    var actor = ActingAdmin() is { } admin ? UserActor(admin) : AdminKeyActor();
                    Events.Add(MakeEvent(rng, addedAt, "platform_workspace_member_added", actor, Org.Console,
                        new Fields().Add("workspace_id", workspace.Id).Add("user_id", member.UserId), ActingAdmin()?.UserId));
                }
            }
        }
    }

    private SimulatedPerson? ActingAdmin() => _people.Find(p => p.Profile == "acting-admin");

    private void BuildServiceAccounts(Random rng)
    {
        string[] names = ["ci-pipeline", "support-bot", "etl-nightly", "sales-assistant", "code-review-agent", "doc-indexer", "finance-reconciler", "alerts-triage"];
        var owners = _people.Where(p => p.Employed && p.Department is "Engineering" or "Data Science").ToList();
        for (var i = 0; i < _options.ServiceAccounts; i++)
        {
            var owner = owners[rng.Next(owners.Count)];
            _serviceAccounts.Add(new SimulatedServiceAccount(NewId(rng, "svac_01", 20), i < names.Length ? names[i] : $"agent-{i}", owner.UserId));
        }
    }

    private void BuildApiKeys(Random rng, DateTimeOffset start)
    {
        var creators = _people.Where(p => p.Department is "Engineering" or "Data Science" && p.Employed).ToList();
        var leavers = _people.Where(p => !p.Employed).ToList();
        string[] purposes = ["backend", "batch-jobs", "eval-harness", "notebook", "slack-bot", "prototype", "ingest", "summarizer", "search", "triage"];
        var spikeIndex = Math.Min(7, _options.ApiKeys - 1);
        for (var i = 0; i < _options.ApiKeys; i++)
        {
            // The first few keys were created by people who have since left: "keys whose owner left".
            var creator = i < Math.Min(5, leavers.Count) ? leavers[i] : creators[rng.Next(creators.Count)];
            var serviceAccount = _serviceAccounts.Count > 0 && rng.NextDouble() < 0.2 ? _serviceAccounts[rng.Next(_serviceAccounts.Count)] : null;
            var workspace = rng.NextDouble() < 0.15 || WorkspaceList.Count == 0 ? null : WorkspaceList[rng.Next(WorkspaceList.Count)];
            var status = i == spikeIndex || i < 5 ? ApiKeyStatus.Active : rng.NextDouble() switch
            {
                < 0.8 => ApiKeyStatus.Active,
                < 0.9 => ApiKeyStatus.Inactive,
                < 0.97 => ApiKeyStatus.Archived,
                _ => ApiKeyStatus.Expired,
            };
            var createdInWindow = rng.NextDouble() < 0.15 && creator.Employed && i != spikeIndex;
            var createdAt = createdInWindow
                ? Anchor.AddDays(-rng.Next(2, _options.HistoryDays)).AddMinutes(rng.Next(540, 1080))
                : Min(start.AddDays(-rng.Next(10, 400)), creator.DepartedAt?.AddDays(-30) ?? DateTimeOffset.MaxValue);
            var key = new ApiKey
            {
                Id = NewId(rng, "apikey_01", 20),
                Name = $"{workspace?.Name ?? "default"}-{purposes[rng.Next(purposes.Length)]}-{i + 1}",
                Status = status,
                CreatedAt = createdAt,
                CreatedBy = new PrincipalRef { Id = creator.UserId, Type = "user" },
                Principal = serviceAccount is null
                    ? new PrincipalRef { Id = creator.UserId, Type = "user" }
                    : new PrincipalRef { Id = serviceAccount.Id, Type = "service_account" },
                ExpiresAt = status == ApiKeyStatus.Expired ? Anchor.AddDays(-rng.Next(1, 20)) : rng.NextDouble() < 0.3 ? Anchor.AddDays(rng.Next(30, 365)) : null,
                PartialKeyHint = $"sk-ant-api03-{NewId(rng, "", 3)}...{NewId(rng, "", 4)}",
                WorkspaceId = workspace?.Id,
            };
            ApiKeyList.Add(key);
            var usage = status != ApiKeyStatus.Active ? "none" : i == spikeIndex ? "spike" : rng.NextDouble() < 0.15 ? "dormant" : "normal";
            _keyUsage.Add((key, usage));
            if (createdInWindow)
            {
                Events.Add(MakeEvent(rng, createdAt, "platform_api_key_created", UserActor(creator), Org.Console,
                    new Fields().Add("api_key_id", key.Id), creator.UserId));
            }
        }

        // Newest first, like the Console lists them.
        ApiKeyList.Sort((a, b) => Nullable.Compare(b.CreatedAt, a.CreatedAt));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private void GeneratePeopleActivity(Random rng, DateTimeOffset start)
    {
        var days = _options.HistoryDays;
        var operatorAdmin = _people.Find(p => p.EnterpriseRole == "membership_admin") ?? _people[0];
        foreach (var person in _people)
        {
            var from = Max(start, person.JoinedAt);
            var until = Min(Anchor, person.DepartedAt ?? Anchor);
            for (var day = from.Date; day < until; day = day.AddDays(1))
            {
                var dayStart = new DateTimeOffset(day, TimeSpan.Zero);
                var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
                var daysAgo = (Anchor - dayStart).TotalDays;
                var (chance, chats) = person.Profile switch
                {
                    "busy" or "acting-admin" => (weekend ? 0.15 : 0.95, rng.Next(3, 9)),
                    "regular" or "idle-admin" => (weekend ? 0.03 : 0.45, rng.Next(1, 4)),
                    "dormant" when daysAgo > 42 => (weekend ? 0.0 : 0.3, 1),
                    _ => (0.0, 0),
                };
                if (rng.NextDouble() >= chance)
                {
                    continue;
                }

                var at = dayStart.AddHours(7 + rng.Next(0, 4)).AddMinutes(rng.Next(60));
                if (at >= until)
                {
                    continue;
                }

                if (rng.NextDouble() < 0.02)
                {
                    Events.Add(MakeEvent(rng, at.AddMinutes(-1), "sso_login_failed", UnauthenticatedActor(person.Email), Org.None));
                }

                Events.Add(MakeEvent(rng, at, "sso_login_succeeded", UserActor(person), Org.None,
                    new Fields().Add("auth_method", "sso").Add("mfa_method", "not_used"), person.UserId));
                for (var c = 0; c < chats; c++)
                {
                    at = at.AddMinutes(rng.Next(5, 70)).AddSeconds(rng.Next(60));
                    if (at >= until)
                    {
                        break;
                    }

                    var extra = new Fields().Add("claude_chat_id", NewId(rng, "claude_chat_01"));
                    if (rng.NextDouble() < 0.3)
                    {
                        extra.Add("claude_project_id", NewId(rng, "claude_proj_01"));
                    }

                    Events.Add(MakeEvent(rng, at, "claude_chat_created", UserActor(person), Org.Parent, extra, person.UserId));
                }
            }

            // Joiners and leavers leave membership events behind.
            if (person.JoinedAt > start)
            {
                Events.Add(MakeEvent(rng, person.JoinedAt.AddMinutes(-30), "claude_user_role_updated", ScimActor(rng), Org.Parent,
                    new Fields().Add("user_id", person.UserId).Add("user_email", person.Email).Add("previous_role", null).Add("current_role", "user")));
                var group = Groups.Find(g => g.Group.Name == $"dept-{person.Department.ToLowerInvariant().Replace(' ', '-')}");
                if (group is not null)
                {
                    Events.Add(MakeEvent(rng, person.JoinedAt.AddMinutes(-29), "group_member_added", ScimActor(rng), Org.Parent,
                        new Fields().Add("group_id", group.Group.Id).Add("member_ids", new[] { person.UserId })));
                }
            }

            if (person.DepartedAt is { } left)
            {
                Events.Add(MakeEvent(rng, left.AddHours(2), "org_user_deleted", UserActor(operatorAdmin), Org.Parent,
                    new Fields().Add("deleted_user_id", person.UserId).Add("deleted_user_email", person.Email), operatorAdmin.UserId));
                Events.Add(MakeEvent(rng, left.AddHours(2).AddSeconds(1), "claude_user_role_updated", UserActor(operatorAdmin), Org.Parent,
                    new Fields().Add("user_id", person.UserId).Add("user_email", person.Email).Add("previous_role", "user").Add("current_role", null), operatorAdmin.UserId));
            }
        }

        // The acting admin changes a handful of Console roles; the idle admins never do anything admin-like.
        if (ActingAdmin() is { } admin)
        {
            foreach (var member in ConsoleMembers.Where(m => m.Role is "developer" or "claude_code_user").Take(8))
            {
                Events.Add(MakeEvent(rng, Anchor.AddDays(-rng.Next(1, days)).AddHours(rng.Next(9, 17)), "claude_user_role_updated", UserActor(admin), Org.Console,
                    new Fields().Add("user_id", member.UserId).Add("user_email", FindPerson(member.UserId)!.Email).Add("previous_role", "user").Add("current_role", member.Role),
                    admin.UserId));
            }
        }
    }

    private void GenerateKeyActivity(Random rng, DateTimeOffset start)
    {
        foreach (var (key, usage) in _keyUsage)
        {
            if (usage == "none")
            {
                continue;
            }

            var from = Max(start, key.CreatedAt ?? start);
            for (var day = from.Date; day < Anchor; day = day.AddDays(1))
            {
                var dayStart = new DateTimeOffset(day, TimeSpan.Zero);
                var daysAgo = (Anchor - dayStart).TotalDays;
                var perDay = usage switch
                {
                    "dormant" when daysAgo <= 45 => 0,
                    "spike" when daysAgo <= 30 => rng.Next(40, 68), // ~9× the 4-8 a normal key sees
                    _ => rng.Next(4, 9),
                };
                for (var n = 0; n < perDay; n++)
                {
                    var at = dayStart.AddSeconds(rng.Next(86_400));
                    if (at < from || at >= Anchor)
                    {
                        continue;
                    }

                    var (type, extra) = rng.Next(3) switch
                    {
                        0 => ("platform_file_uploaded", new Fields().Add("file_id", NewId(rng, "file_01"))),
                        1 => ("platform_agent_session_created", new Fields().Add("session_id", NewId(rng, "sesn_01")).Add("workspace_id", key.WorkspaceId)),
                        _ => ("platform_file_content_downloaded", new Fields().Add("file_id", NewId(rng, "file_01"))),
                    };
                    Events.Add(MakeEvent(rng, at, type, ApiActor(key.Id), Org.Console, extra));
                }
            }
        }

        foreach (var account in _serviceAccounts)
        {
            for (var day = start.Date; day < Anchor; day = day.AddDays(1))
            {
                var at = new DateTimeOffset(day, TimeSpan.Zero).AddSeconds(rng.Next(86_400));
                if (rng.NextDouble() < 0.6 && at < Anchor)
                {
                    Events.Add(MakeEvent(rng, at, "platform_agent_session_created",
                        ServiceAccountActor(account.Id), Org.Console,
                        new Fields().Add("session_id", NewId(rng, "sesn_01")).Add("workspace_id", WorkspaceList.Count > 0 ? WorkspaceList[0].Id : null)));
                }
            }
        }
    }

    private void GenerateBackgroundActivity(Random rng, DateTimeOffset start)
    {
        var owner = _people[0];
        Events.Add(MakeEvent(rng, start.AddHours(1), "api_key_created", UserActor(owner), Org.Parent,
            new Fields().Add("api_key_id", ComplianceKeyId).Add("scopes", new[] { "read:compliance_activities", "read:compliance_user_data", "read:compliance_org_data" }).Add("restricted_to_organization", false),
            owner.UserId));

        // The ingestion job itself shows up: every Compliance API call is logged with the api_actor of its key.
        for (var at = start.AddHours(2); at < Anchor; at = at.AddHours(1))
        {
            Events.Add(MakeEvent(rng, at.AddSeconds(rng.Next(60)), "compliance_api_accessed", ApiActor(ComplianceKeyId), Org.None,
                new Fields().Add("request_id", NewId(rng, "req_01")).Add("url", "/v1/compliance/activities").Add("request_method", "GET").Add("status_code", 200)));
        }

        for (var day = start.Date; day < Anchor; day = day.AddDays(1))
        {
            if (new DateTimeOffset(day, TimeSpan.Zero).AddHours(3) >= Anchor)
            {
                break;
            }

            Events.Add(MakeEvent(rng, new DateTimeOffset(day, TimeSpan.Zero).AddHours(3), "platform_agent_session_archived", SystemActor("session-reaper"), Org.Console,
                new Fields().Add("session_id", NewId(rng, "sesn_01")).Add("workspace_id", null)));
        }

        Events.Add(MakeEvent(rng, start.AddDays(3), "platform_workspace_inference_data_retention_enabled", AnthropicActor(), Org.Console,
            new Fields().Add("workspace_id", WorkspaceList.Count > 0 ? WorkspaceList[0].Id : "wrkspc_none").Add("previous_value", false)));

        // Types and actors from the future: the feed grows monthly, and consumers must cope.
        for (var i = 0; i < 3; i++)
        {
            var person = _people[rng.Next(_people.Count)];
            Events.Add(MakeEvent(rng, Anchor.AddDays(-rng.Next(1, 20)), "claude_hologram_session_started", UserActor(person), Org.Parent,
                new Fields().Add("hologram_id", NewId(rng, "holo_01")), person.UserId));
        }

        Events.Add(MakeEvent(rng, Anchor.AddDays(-4), "org_quantum_policy_updated",
            new Fields().Add("type", "quantum_entangled_actor").Add("entanglement_id", "qe_01Sim"), Org.Parent,
            new Fields().Add("policy", "superposition")));
    }

    private void GenerateTrickleMinute(int minute)
    {
        var rng = new Random(unchecked((_options.Seed * 1_000_003) + (minute * 7_919) + 1));
        var minuteStart = Anchor.AddMinutes(minute);
        var busy = _people.Where(p => p.Employed && p.Profile == "busy").ToList();
        var keys = _keyUsage.Where(k => k.Usage is "normal" or "spike").Select(k => k.Key).ToList();
        for (var i = 0; i < _options.TrickleEventsPerMinute; i++)
        {
            var at = minuteStart.AddSeconds(rng.Next(60));
            if (busy.Count > 0 && (keys.Count == 0 || rng.NextDouble() < 0.7))
            {
                var person = busy[rng.Next(busy.Count)];
                Insert(MakeEvent(rng, at, "claude_chat_created", UserActor(person), Org.Parent,
                    new Fields().Add("claude_chat_id", NewId(rng, "claude_chat_01")), person.UserId));
            }
            else if (keys.Count > 0)
            {
                Insert(MakeEvent(rng, at, "platform_file_uploaded", ApiActor(keys[rng.Next(keys.Count)].Id), Org.Console,
                    new Fields().Add("file_id", NewId(rng, "file_01"))));
            }
        }
    }
}
