using System.Buffers;
using System.Text.Json;
using ReviewPortal.Claude.Models;

namespace ReviewPortal.Claude.Simulation;

/// <summary>
/// A deterministic synthetic company behind the simulated Claude API: one Enterprise parent org, one linked Console org,
/// people with an HR view, groups, roles, workspaces, API keys, service accounts and an Activity Feed history with the
/// patterns access reviews care about (busy users, dormant seats, keys whose owner left, a key with a 9× spike, idle admins).
/// Same seed and start time ⇒ identical data. New events trickle in as <see cref="TimeProvider"/> time advances.
/// </summary>
public sealed partial class SimulatedOrganization
{
    private static readonly string[] Departments = ["Engineering", "Data Science", "Product", "Sales", "Marketing", "Finance", "Legal", "People Ops"];
    private static readonly int[] DepartmentWeights = [30, 12, 10, 16, 11, 9, 6, 6];
    private static readonly string[] FirstNames =
    [
        "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas", "Kira", "Liam", "Maya", "Nikhil", "Olga",
        "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Aaron", "Bianca", "Carlos", "Dana",
        "Emeka", "Fatima", "Gustav", "Hana", "Ivan", "Jia", "Kofi", "Lena", "Marco", "Nora", "Omar", "Priya", "Rafael", "Sofia", "Tomas",
    ];
    private static readonly string[] LastNames =
    [
        "Anders", "Brooks", "Chen", "Diaz", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski", "Lopez", "Mensah",
        "Novak", "Okafor", "Patel", "Quist", "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga", "Wagner", "Xu", "Yilmaz", "Zimmer",
        "Almeida", "Becker", "Costa", "Dubois", "Evans", "Ferreira", "Gupta", "Hughes", "Ivanova", "Jovanovic", "Kim", "Larsen",
    ];
    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/128.0 Safari/537.36",
        "Claude/1.2.3 (macOS)",
    ];

    internal const string Domain = "northwind.example";
    internal const string ConsoleAdminKeyId = "apikey_01SimAdminKeyForTheConsole";
    internal const string ComplianceKeyId = "apikey_01SimComplianceAccessKey01";

    private readonly SimulationOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _mutationRandom;
    private readonly List<SimulatedPerson> _people = [];
    private readonly List<SimulatedServiceAccount> _serviceAccounts = [];
    private int _trickledMinutes;

    internal readonly Lock SyncRoot = new();
    internal readonly List<SimulatedEvent> Events = [];
    internal readonly List<ConsoleMember> ConsoleMembers = []; // newest first, as the Admin API lists them
    internal readonly List<ComplianceRole> Roles = [];
    internal readonly List<SimulatedGroup> Groups = [];
    internal readonly List<Workspace> WorkspaceList = [];
    internal readonly List<WorkspaceMember> WorkspaceMembers = [];
    internal readonly List<ApiKey> ApiKeyList = [];

    public SimulatedOrganization(SimulationOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        var now = time.GetUtcNow();
        Anchor = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        _mutationRandom = new Random(unchecked(options.Seed * 31 + 7));
        var rng = new Random(options.Seed);

        ParentOrganizationUuid = NewUuid(rng);
        ParentOrganizationId = NewId(rng, "org_");
        ConsoleOrganizationUuid = NewUuid(rng);
        ConsoleOrganizationId = NewId(rng, "org_");
        Build(rng);
        Events.Sort(CompareEvents);
    }

    /// <summary>End of the generated history (start time truncated to the minute); the trickle starts here.</summary>
    public DateTimeOffset Anchor { get; }

    public string ParentOrganizationUuid { get; }
    public string ParentOrganizationId { get; }
    public string ConsoleOrganizationUuid { get; }
    public string ConsoleOrganizationId { get; }
    public string ParentOrganizationName => "Northwind Traders";
    public string ConsoleOrganizationName => "Northwind Traders Platform";

    /// <summary>The HR view: everyone who works or worked here, including leavers.</summary>
    public IReadOnlyList<SimulatedPerson> People => _people;

    public IReadOnlyList<SimulatedServiceAccount> ServiceAccounts => _serviceAccounts;

    /// <summary>Events generated so far (history plus trickle), regardless of the 1-minute visibility delay.</summary>
    public int EventCount
    {
        get
        {
            lock (SyncRoot)
            {
                return Events.Count;
            }
        }
    }

    /// <summary>Test hook: adds raw feed events (JSON objects with at least <c>id</c> and <c>created_at</c>; malformed ones are allowed).</summary>
    public void AddEvents(IEnumerable<string> rawJsonEvents)
    {
        lock (SyncRoot)
        {
            foreach (var json in rawJsonEvents)
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : NewId(_mutationRandom, "activity_01");
                var createdAt = root.TryGetProperty("created_at", out var c) && ClaudeJson.TryParseTimestamp(c.GetString(), out var at) ? at : _time.GetUtcNow();
                var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "unknown";
                string? actorUser = root.TryGetProperty("actor", out var a) && a.ValueKind == JsonValueKind.Object && a.TryGetProperty("user_id", out var u) ? u.GetString() : null;
                Insert(new SimulatedEvent(id, createdAt, type, actorUser, Str(root, "organization_id"), Str(root, "organization_uuid"), json));
            }
        }

        static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <summary>Generates trickle events for every whole minute that has passed since <see cref="Anchor"/>. Call under <see cref="SyncRoot"/>.</summary>
    internal void CatchUp()
    {
        var elapsed = (int)Math.Min((_time.GetUtcNow() - Anchor).Ticks / TimeSpan.TicksPerMinute, 7 * 24 * 60);
        for (; _trickledMinutes < elapsed; _trickledMinutes++)
        {
            GenerateTrickleMinute(_trickledMinutes);
        }
    }

    internal DateTimeOffset Now => _time.GetUtcNow();

    internal void Insert(SimulatedEvent e)
    {
        if (Events.Count == 0 || CompareEvents(Events[^1], e) <= 0)
        {
            Events.Add(e);
            return;
        }

        var index = Events.BinarySearch(e, Comparer<SimulatedEvent>.Create(CompareEvents));
        Events.Insert(index < 0 ? ~index : index, e);
    }

    internal static int CompareEvents(SimulatedEvent a, SimulatedEvent b)
    {
        var byTime = a.CreatedAt.UtcTicks.CompareTo(b.CreatedAt.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }

    internal SimulatedPerson? FindPerson(string userId) => _people.Find(p => p.UserId == userId);

    internal Random MutationRandom => _mutationRandom;

    private readonly Queue<DateTimeOffset> _recentRequests = new();

    /// <summary>Counts a request against the simulated 600/min budget and returns the rate-limit headers. Call under <see cref="SyncRoot"/>.</summary>
    internal Dictionary<string, string> RecordRequest()
    {
        const int limit = 600;
        var now = _time.GetUtcNow();
        while (_recentRequests.Count > 0 && _recentRequests.Peek() <= now.AddMinutes(-1))
        {
            _recentRequests.Dequeue();
        }

        _recentRequests.Enqueue(now);
        var reset = _recentRequests.Peek().AddMinutes(1);
        return new Dictionary<string, string>
        {
            ["anthropic-ratelimit-requests-limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["anthropic-ratelimit-requests-remaining"] = Math.Max(0, limit - _recentRequests.Count).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["anthropic-ratelimit-requests-reset"] = ClaudeJson.FormatTimestamp(reset),
        };
    }

    // ---- ids ---------------------------------------------------------------------------------------

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    internal static string NewId(Random rng, string prefix, int length = 22)
    {
        return string.Create(prefix.Length + length, (prefix, rng), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            for (var i = state.prefix.Length; i < span.Length; i++)
            {
                span[i] = Base62[state.rng.Next(Base62.Length)];
            }
        });
    }

    private static string NewUuid(Random rng)
    {
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout, so it looks like a real UUID
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    // ---- event JSON ----------------------------------------------------------------------------------

    /// <summary>Field list of an actor or event; values are string, int, bool, null, string[] or nested field lists.</summary>
    internal sealed class Fields : List<(string Name, object? Value)>
    {
        public Fields Add(string name, object? value)
        {
            base.Add((name, value));
            return this;
        }
    }

    internal enum Org
    {
        None,
        Parent,
        Console,
    }

    internal SimulatedEvent MakeEvent(Random rng, DateTimeOffset at, string type, Fields actor, Org org, Fields? extra = null, string? actorUserId = null)
    {
        var id = NewId(rng, "activity_01");
        var (orgId, orgUuid) = org switch
        {
            Org.Parent => (ParentOrganizationId, ParentOrganizationUuid),
            Org.Console => (ConsoleOrganizationId, ConsoleOrganizationUuid),
            _ => ((string?)null, (string?)null),
        };
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("created_at", ClaudeJson.FormatTimestamp(at));
            WriteNullable(writer, "organization_id", orgId);
            WriteNullable(writer, "organization_uuid", orgUuid);
            writer.WritePropertyName("actor");
            WriteValue(writer, actor);
            writer.WriteString("type", type);
            foreach (var (name, value) in extra ?? [])
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        var json = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        return new SimulatedEvent(id, at, type, actorUserId, orgId, orgUuid, json);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case int i: writer.WriteNumberValue(i); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case string[] list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            case Fields fields:
                writer.WriteStartObject();
                foreach (var (name, inner) in fields)
                {
                    writer.WritePropertyName(name);
                    WriteValue(writer, inner);
                }

                writer.WriteEndObject();
                break;
            case Fields[] objects:
                writer.WriteStartArray();
                foreach (var item in objects)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default: throw new InvalidOperationException($"Unsupported simulated value {value.GetType()}.");
        }
    }

    // ---- actors ----------------------------------------------------------------------------------------

    internal Fields UserActor(SimulatedPerson person) => new Fields()
        .Add("type", "user_actor")
        .Add("email_address", person.Email)
        .Add("user_id", person.UserId)
        .Add("ip_address", IpFor(person.UserId))
        .Add("user_agent", UserAgents[(person.UserId[^1] + person.UserId[^2]) % UserAgents.Length]);

    internal static Fields ApiActor(string apiKeyId) => new Fields()
        .Add("type", "api_actor").Add("api_key_id", apiKeyId).Add("ip_address", IpFor(apiKeyId)).Add("user_agent", "anthropic-sdk-python/0.68.0");

    internal static Fields AdminKeyActor() => new Fields()
        .Add("type", "admin_api_key_actor").Add("admin_api_key_id", ConsoleAdminKeyId).Add("ip_address", "10.20.0.5").Add("user_agent", "ReviewPortal");

    internal static Fields ServiceAccountActor(string serviceAccountId) => new Fields()
        .Add("type", "service_account_actor").Add("service_account_id", serviceAccountId).Add("ip_address", IpFor(serviceAccountId)).Add("user_agent", "agent-runtime/2.1");

    internal static Fields SystemActor(string service) => new Fields().Add("type", "system_actor").Add("service", service);

    internal static Fields AnthropicActor() => new Fields().Add("type", "anthropic_actor").Add("email_address", null);

    internal static Fields ScimActor(Random rng) => new Fields()
        .Add("type", "scim_directory_sync_actor").Add("workos_event_id", NewId(rng, "event_", 26)).Add("directory_id", "directory_01SimNorthwindEntra").Add("idp_connection_type", "AzureSCIMV2");

    internal static Fields UnauthenticatedActor(string? email) => new Fields()
        .Add("type", "unauthenticated_user_actor").Add("unauthenticated_email_address", email).Add("ip_address", "203.0.113.77").Add("user_agent", UserAgents[0]);

    private static string IpFor(string id)
    {
        var h = 17;
        foreach (var ch in id)
        {
            h = unchecked(h * 31 + ch);
        }

        h &= 0x7FFFFFFF;
        return $"10.{h % 200 + 10}.{h / 200 % 250}.{h / 50000 % 250 + 1}";
    }
}

/// <summary>A Console org membership (what the Admin API users list returns).</summary>
internal sealed record ConsoleMember(string UserId, string Role, DateTimeOffset AddedAt);

/// <summary>A group with its members, for the Compliance directory endpoints.</summary>
internal sealed record SimulatedGroup(ComplianceGroup Group, List<ComplianceGroupMember> Members);
