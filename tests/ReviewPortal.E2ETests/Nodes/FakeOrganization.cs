using System.Globalization;
using System.Text.Json;

namespace ReviewPortal.E2ETests.Nodes;

/// <summary>
/// The small company behind <see cref="FakeClaudeApi"/>: a Claude Enterprise parent organization and a linked Console
/// organization, two groups, two workspaces, three API keys and a few weeks of Activity Feed history. Hand-written (not
/// the simulated organization), so the test knows every fact it asserts on. Mutations through the Admin API change it
/// for real and leave the feed events the API documents. Not thread-safe: <see cref="FakeClaudeApi"/> holds its gate.
/// </summary>
public sealed class FakeOrganization
{
    public const string ParentUuid = "6f1b2c3d-0000-4000-8000-00000000a001";
    public const string ConsoleUuid = "6f1b2c3d-0000-4000-8000-00000000c002";
    public const string AdminKeyId = "admkey_01Fake0000000000000001";

    /// <summary>A person: what the APIs know (ids, roles) and what only HR knows (title, department, manager).</summary>
    public sealed record Person(string Id, string Name, string Email, string EnterpriseRole, string? ConsoleRole,
        string Title, string Department, string? ManagerId);

    public sealed record Group(string Id, string Name, string SourceType, string[] MemberIds);

    public sealed record WorkspaceMember(string WorkspaceId, string UserId, string Role);

    public sealed record Key(string Id, string Name, string? WorkspaceId, string CreatedBy, string Status);

    public sealed record Event(string Id, DateTimeOffset CreatedAt, string Json);

    public static readonly IReadOnlyList<Person> People =
    [
        new("user_01FakeAliceAckroyd00001", "Alice Ackroyd", "alice@northwind.example", "user", "admin", "IAM Lead", "Security", "user_01FakeVeraVance0000003"),
        new("user_01FakeMarkMercer000002", "Mark Mercer", "mark@northwind.example", "user", null, "Engineering Manager", "Engineering", "user_01FakeVeraVance0000003"),
        new("user_01FakeVeraVance0000003", "Vera Vance", "vera@northwind.example", "primary_owner", null, "VP Engineering", "Engineering", null),
        new("user_01FakeBenBrooks0000004", "Ben Brooks", "ben@northwind.example", "user", "developer", "Software Engineer", "Engineering", "user_01FakeMarkMercer000002"),
        new("user_01FakeChloeChen0000005", "Chloe Chen", "chloe@northwind.example", "user", null, "Software Engineer", "Engineering", "user_01FakeMarkMercer000002"),
        new("user_01FakeDevPatel00000006", "Dev Patel", "dev@northwind.example", "user", "developer", "Software Engineer", "Engineering", "user_01FakeMarkMercer000002"),
        new("user_01FakeSamStone00000007", "Sam Stone", "sam@northwind.example", "user", null, "Software Engineer", "Engineering", "user_01FakeMarkMercer000002"),
        new("user_01FakeOlgaOrtiz0000008", "Olga Ortiz", "olga@northwind.example", "user", "developer", "Platform Owner", "Platform", "user_01FakeVeraVance0000003"),
        new("user_01FakeCarlCole00000009", "Carl Cole", "carl@northwind.example", "user", null, "Compliance Analyst", "Compliance", "user_01FakeVeraVance0000003"),
        new("user_01FakeNinaNovak0000010", "Nina Novak", "nina@northwind.example", "user", "developer", "Data Scientist", "Data Science", "user_01FakeAliceAckroyd00001"),
        new("user_01FakeOmarOkafor000011", "Omar Okafor", "omar@northwind.example", "user", null, "Data Scientist", "Data Science", "user_01FakeAliceAckroyd00001"),
        new("user_01FakeRitaRuiz00000012", "Rita Ruiz", "rita@northwind.example", "user", "developer", "Research Lead", "Data Science", "user_01FakeVeraVance0000003"),
    ];

    public const string Prod = "wrkspc_01FakeProd00000000001";
    public const string Research = "wrkspc_01FakeResearch000002";

    private readonly Random _random = new(20261206);
    private readonly Dictionary<string, string> _consoleRoles;
    private long _nextEvent;

    public FakeOrganization(DateTimeOffset now)
    {
        Founded = now.AddYears(-2);
        _consoleRoles = People.Where(p => p.ConsoleRole is not null).ToDictionary(p => p.Id, p => p.ConsoleRole!);
        Groups =
        [
            // Managers and leads only: group membership is reviewed by hand, and the reviewers' queues stay short.
            new("rbac_group_01FakeEngineering01", "Engineering", "direct", [People[1].Id, People[7].Id]),
            new("rbac_group_01FakeDataScience02", "Data Science", "scim", [People[11].Id]),
        ];
        WorkspaceMembers =
        [
            new(Prod, People[7].Id, "workspace_admin"),
            new(Prod, People[3].Id, "workspace_developer"),
            new(Research, People[11].Id, "workspace_admin"),
            new(Research, People[4].Id, "workspace_user"),
            new(Research, People[9].Id, "workspace_developer"),
            new(Research, People[10].Id, "workspace_user"),
        ];
        Keys =
        [
            new("apikey_01FakeBenCi000000000001", "ben-ci", Prod, People[3].Id, "active"),
            new("apikey_01FakeDevBatch000000002", "dev-batch", Research, People[5].Id, "active"),
            new("apikey_01FakeNinaNotebook00003", "nina-notebook", Research, People[9].Id, "active"),
        ];
        History(now);
    }

    /// <summary>The clock stamped on events made by mutations (wall clock: the portal's jobs read the feed in real time).</summary>
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    public DateTimeOffset Founded { get; }
    public List<Group> Groups { get; }
    public List<WorkspaceMember> WorkspaceMembers { get; }
    public List<Key> Keys { get; }

    /// <summary>Every activity ever recorded, oldest first (ties by id).</summary>
    public List<Event> Events { get; } = [];

    public IReadOnlyList<(Person Person, string Role)> ConsoleMembers =>
        People.Where(p => _consoleRoles.ContainsKey(p.Id)).Select(p => (p, _consoleRoles[p.Id])).ToList();

    public static Person PersonById(string id) => People.Single(p => p.Id == id);

    // ---- Admin API mutations: (status, body) as the API answers them ----------------------------------------------

    public (int Status, object Body) DeleteUser(string userId)
    {
        if (!_consoleRoles.TryGetValue(userId, out var role))
        {
            return Error(404, "not_found_error", "User not found.");
        }
        if (role == "admin")
        {
            return Error(400, "invalid_request_error", "Organization members with the admin role cannot be removed through the API.");
        }
        var person = PersonById(userId);
        _consoleRoles.Remove(userId);
        WorkspaceMembers.RemoveAll(m => m.UserId == userId);
        Emit("org_user_deleted", ConsoleUuid, AdminActor(), ("deleted_user_id", userId), ("deleted_user_email", person.Email));
        Emit("claude_user_role_updated", ConsoleUuid, AdminActor(), ("user_id", userId), ("user_email", person.Email),
            ("previous_role", role), ("current_role", null));
        return (200, new { id = userId, type = "user_deleted" });
    }

    public (int Status, object Body) UpdateUserRole(string userId, string? role)
    {
        if (!_consoleRoles.TryGetValue(userId, out var previous))
        {
            return Error(404, "not_found_error", "User not found.");
        }
        if (role is not ("user" or "developer" or "billing" or "claude_code_user") || previous == "admin")
        {
            return Error(400, "invalid_request_error", $"Invalid role \"{role}\".");
        }
        _consoleRoles[userId] = role;
        var person = PersonById(userId);
        Emit("claude_user_role_updated", ConsoleUuid, AdminActor(), ("user_id", userId), ("user_email", person.Email),
            ("previous_role", previous), ("current_role", role));
        return (200, User(person, role));
    }

    public (int Status, object Body) RemoveWorkspaceMember(string workspaceId, string userId)
    {
        var member = WorkspaceMembers.Find(m => m.WorkspaceId == workspaceId && m.UserId == userId);
        if (member is null)
        {
            return Error(404, "not_found_error", "Workspace member not found.");
        }
        WorkspaceMembers.Remove(member);
        Emit("platform_workspace_member_removed", ConsoleUuid, AdminActor(), ("workspace_id", workspaceId), ("user_id", userId));
        return (200, new { type = "workspace_member_deleted", user_id = userId, workspace_id = workspaceId });
    }

    public (int Status, object Body) UpdateWorkspaceMember(string workspaceId, string userId, string? role)
    {
        var index = WorkspaceMembers.FindIndex(m => m.WorkspaceId == workspaceId && m.UserId == userId);
        if (index < 0)
        {
            return Error(404, "not_found_error", "Workspace member not found.");
        }
        if (role is not ("workspace_admin" or "workspace_developer" or "workspace_restricted_developer" or "workspace_user"))
        {
            return Error(400, "invalid_request_error", $"Invalid workspace_role \"{role}\".");
        }
        var previous = WorkspaceMembers[index];
        WorkspaceMembers[index] = previous with { Role = role };
        Emit("platform_workspace_member_updated", ConsoleUuid, AdminActor(), ("workspace_id", workspaceId), ("user_id", userId),
            ("updates", new[] { new { type = "workspace_role", previous_value = previous.Role, current_value = role } }));
        return (200, Member(WorkspaceMembers[index]));
    }

    public (int Status, object Body) UpdateKeyStatus(string keyId, string? status)
    {
        var index = Keys.FindIndex(k => k.Id == keyId);
        if (index < 0)
        {
            return Error(404, "not_found_error", "API key not found.");
        }
        if (status is not ("active" or "inactive" or "archived"))
        {
            return Error(400, "invalid_request_error", $"Invalid status \"{status}\".");
        }
        var previous = Keys[index];
        Keys[index] = previous with { Status = status };
        if (previous.Status != status)
        {
            Emit("platform_api_key_updated", ConsoleUuid, AdminActor(), ("api_key_id", keyId),
                ("updates", new[] { new { type = "status", previous_value = previous.Status, current_value = status } }));
        }
        return (200, ApiKey(Keys[index]));
    }

    /// <summary>A busy spell: <paramref name="count"/> sign-ins and chats of the last minute, recorded at once.</summary>
    public void Burst(int count)
    {
        var start = Now.AddMinutes(-1);
        for (var i = 0; i < count; i++)
        {
            var person = People[i % People.Count];
            var at = start.AddMilliseconds(i * 60_000.0 / count);
            if (i % 2 == 0)
            {
                Emit(at, "sso_login_succeeded", null, UserActor(person), ("auth_method", "sso"), ("mfa_method", null));
            }
            else
            {
                Emit(at, "claude_chat_created", ParentUuid, UserActor(person), ("claude_chat_id", $"claude_chat_{_random.Next():x8}"), ("claude_project_id", null));
            }
        }
    }

    // ---- wire objects (field names exactly as claude-api.md spells them) ---------------------------------------------

    public static object User(Person person, string role) =>
        new { id = person.Id, type = "user", email = person.Email, name = person.Name, role, added_at = "2025-01-06T09:00:00.000Z" };

    public static object Member(WorkspaceMember member) =>
        new { type = "workspace_member", user_id = member.UserId, workspace_id = member.WorkspaceId, workspace_role = member.Role };

    public object ApiKey(Key key) => new
    {
        id = key.Id, type = "api_key", name = key.Name, status = key.Status, created_at = Timestamp(Founded.AddDays(30)),
        created_by = new { id = key.CreatedBy, type = "user" }, principal = new { id = key.CreatedBy, type = "user" },
        expires_at = (string?)null, partial_key_hint = $"sk-ant-api03-{key.Name[..2]}...{key.Id[^4..]}", workspace_id = key.WorkspaceId,
    };

    public static (int Status, object Body) Error(int status, string type, string message) =>
        (status, new { type = "error", error = new { type, message } });

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // ---- the feed ------------------------------------------------------------------------------------------------------

    /// <summary>Three weeks of sign-ins, chats and key use, ending an hour ago (so nothing is still being indexed).</summary>
    private void History(DateTimeOffset now)
    {
        var start = now.AddDays(-21);
        var moments = new List<(DateTimeOffset At, Action<DateTimeOffset> Emit)>();
        foreach (var person in People)
        {
            for (var day = 0; day < 21; day++)
            {
                // Sam has been idle all along: a Revoke recommendation for someone to decide.
                if (person.Name == "Sam Stone" || _random.Next(10) < 3)
                {
                    continue;
                }
                var at = start.AddDays(day).AddMinutes(_random.Next(8 * 60, 18 * 60));
                moments.Add((at, t => Emit(t, "sso_login_succeeded", null, UserActor(person), ("auth_method", "sso"), ("mfa_method", null))));
                moments.Add((at.AddMinutes(5), t => Emit(t, "claude_chat_created", ParentUuid, UserActor(person),
                    ("claude_chat_id", $"claude_chat_{_random.Next():x8}"), ("claude_project_id", null))));
            }
        }
        foreach (var key in Keys)
        {
            for (var day = 0; day < 21; day += 2)
            {
                var at = start.AddDays(day).AddMinutes(_random.Next(0, 24 * 60));
                moments.Add((at, t => Emit(t, "platform_file_uploaded", ConsoleUuid, ApiActor(key.Id), ("file_id", $"file_{_random.Next():x8}"))));
            }
        }
        foreach (var (at, emit) in moments.OrderBy(m => m.At))
        {
            emit(at);
        }
    }

    private static Dictionary<string, object?> UserActor(Person person) => new()
    {
        ["type"] = "user_actor", ["email_address"] = person.Email, ["user_id"] = person.Id, ["ip_address"] = "203.0.113.7", ["user_agent"] = "Mozilla/5.0",
    };

    private static Dictionary<string, object?> ApiActor(string keyId) => new()
    {
        ["type"] = "api_actor", ["api_key_id"] = keyId, ["ip_address"] = "198.51.100.20", ["user_agent"] = "ci-runner/1.0",
    };

    private static Dictionary<string, object?> AdminActor() => new()
    {
        ["type"] = "admin_api_key_actor", ["admin_api_key_id"] = AdminKeyId, ["ip_address"] = "127.0.0.1", ["user_agent"] = "ReviewPortal",
    };

    private void Emit(string type, string? organizationUuid, Dictionary<string, object?> actor, params (string Name, object? Value)[] fields) =>
        Emit(Now, type, organizationUuid, actor, fields);

    private void Emit(DateTimeOffset at, string type, string? organizationUuid, Dictionary<string, object?> actor, params (string Name, object? Value)[] fields)
    {
        // Ids grow with time (a counter in front), so "oldest first, ties by id" is also the order events were made in.
        var id = $"activity_{++_nextEvent:D6}{_random.Next():x8}";
        // Stamped to the millisecond, as it is written, so the order served is the order of the created_at the client reads.
        at = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        var record = new Dictionary<string, object?>
        {
            ["id"] = id,
            ["created_at"] = Timestamp(at),
            ["organization_id"] = organizationUuid is null ? null : $"org_{organizationUuid[^4..]}",
            ["organization_uuid"] = organizationUuid,
            ["actor"] = actor,
            ["type"] = type,
        };
        foreach (var (name, value) in fields)
        {
            record[name] = value;
        }
        Events.Add(new Event(id, at, JsonSerializer.Serialize(record)));
    }
}
