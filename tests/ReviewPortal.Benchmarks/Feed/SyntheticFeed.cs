using System.Buffers;
using System.Text.Json;
using ReviewPortal.Claude;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Benchmarks.Feed;

/// <summary>
/// A deterministic Activity Feed of <see cref="Count"/> events, generated on the fly from the event index
/// (nothing is held in memory, so the feed costs the same at 250 k and 10 M events). Event <c>i</c> happens at
/// <c>Start + i·span/Count</c>; its id is an opaque-looking, random-order <c>activity_01…</c> string that encodes
/// <c>i</c> bijectively, so <c>after_id</c> resolves in O(1). Actor mix: ~70 % user_actor (100 people), ~22 %
/// api_actor (40 keys), ~6 % service_account_actor (6 accounts), ~2 % system_actor.
/// </summary>
internal sealed class SyntheticFeed
{
    public const int People = 100;
    public const int ApiKeys = 40;
    public const int ServiceAccounts = 6;

    private const ulong Multiplier = 0x9E3779B97F4A7C15UL; // odd, so i ↦ i·M + S is a bijection on 2^64
    private const ulong Salt = 0x2545F4914F6CDD1DUL;
    private static readonly ulong Inverse = ModInverse(Multiplier);
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public const string ParentOrgId = "org_01BenchNorthwindParent00";
    public const string ParentOrgUuid = "5b7f3a52-8c1e-4d6a-9f3b-2a71c0e4d8b1";
    public const string ConsoleOrgId = "org_01BenchNorthwindConsole0";
    public const string ConsoleOrgUuid = "a3c9e1f0-6b2d-47e8-8a5c-9d0f1e2b3c4d";

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/128.0 Safari/537.36",
        "Claude/1.2.3 (macOS)",
    ];

    private static readonly string[] FirstNames = ["ana", "ben", "chloe", "dev", "eli", "fatima", "goran", "hana", "ivan", "jia"];
    private static readonly string[] LastNames = ["alvarez", "brandt", "chen", "diallo", "evans", "fischer", "garcia", "haddad", "ito", "jansen"];

    public SyntheticFeed(long count, DateTimeOffset start, DateTimeOffset end)
    {
        Count = count;
        Start = start;
        SpanTicks = (end - start).Ticks;
    }

    public long Count { get; }
    public DateTimeOffset Start { get; }
    private long SpanTicks { get; }

    public DateTimeOffset CreatedAt(long index) =>
        Start.AddTicks((long)((Int128)index * SpanTicks / Math.Max(1, Count)));

    /// <summary>Smallest index whose created_at is ≥ (or, strict, &gt;) the given instant; <see cref="Count"/> when none.</summary>
    public long FirstIndexAtOrAfter(DateTimeOffset at, bool strict)
    {
        long lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            var t = CreatedAt(mid);
            if (strict ? t > at : t >= at)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

    // ---- ids ---------------------------------------------------------------------------------------------

    public static string IdOf(long index)
    {
        Span<char> chars = stackalloc char[11 + 22];
        "activity_01".AsSpan().CopyTo(chars);
        var x = unchecked((ulong)index * Multiplier + Salt);
        Base62(x, chars.Slice(11, 11));
        Base62(Mix(x), chars.Slice(22, 11));
        return new string(chars);
    }

    public long? IndexOf(string id)
    {
        if (id.Length != 33 || !id.StartsWith("activity_01", StringComparison.Ordinal))
        {
            return null;
        }
        ulong x = 0;
        foreach (var c in id.AsSpan(11, 11))
        {
            var digit = Alphabet.IndexOf(c);
            if (digit < 0)
            {
                return null;
            }
            x = unchecked(x * 62 + (ulong)digit);
        }
        var index = unchecked((long)((x - Salt) * Inverse));
        return index >= 0 && index < Count && IdOf(index) == id ? index : null;
    }

    private static void Base62(ulong value, Span<char> into)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    private static ulong ModInverse(ulong a)
    {
        ulong x = a; // Newton: each step doubles the correct low bits
        for (var i = 0; i < 6; i++)
        {
            x = unchecked(x * (2 - a * x));
        }
        return x;
    }

    private static string Token(string prefix, ulong seed, int length)
    {
        Span<char> chars = stackalloc char[prefix.Length + length];
        prefix.AsSpan().CopyTo(chars);
        var value = Mix(seed);
        for (var i = 0; i < length; i++)
        {
            if (i % 10 == 0 && i > 0)
            {
                value = Mix(value + (ulong)i);
            }
            chars[prefix.Length + i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
        return new string(chars);
    }

    // ---- actors ------------------------------------------------------------------------------------------

    public static string UserId(int person) => Token("user_01", 0x1000 + (ulong)person, 22);
    public static string Email(int person) => $"{FirstNames[person % 10]}.{LastNames[person / 10 % 10]}{(person >= 100 ? person.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}@northwind.example";
    public static string ApiKeyId(int key) => Token("apikey_01", 0x2000 + (ulong)key, 22);
    public static string ServiceAccountId(int account) => Token("svac_01", 0x3000 + (ulong)account, 22);

    private static string Ip(ulong seed) => $"10.{seed % 200 + 20}.{seed / 200 % 250}.{seed / 50000 % 250 + 2}";

    /// <summary>The actor and type of event <paramref name="index"/> (what the portal derives from it).</summary>
    public static EventShape ShapeOf(long index)
    {
        var h = Mix((ulong)index ^ 0xA5A5A5A5DEADBEEFUL);
        var pick = (int)(h % 1000);
        var sub = (int)(h >> 20 & 0xFFFF) % 100;
        if (pick < 700)
        {
            var person = (int)((h >> 40) % People);
            var type = sub switch
            {
                < 50 => "claude_chat_created",
                < 62 => "claude_file_uploaded",
                < 72 => "claude_project_created",
                < 84 => "claude_code_session_started",
                < 97 => "sso_login_succeeded",
                < 99 => "sso_login_failed",
                _ => "claude_user_role_updated",
            };
            return new EventShape(index, h, type, "user_actor", person);
        }
        if (pick < 920)
        {
            var key = (int)((h >> 40) % ApiKeys);
            var type = sub switch
            {
                < 40 => "platform_file_uploaded",
                < 70 => "platform_agent_session_created",
                < 98 => "platform_file_content_downloaded",
                _ => "compliance_api_accessed",
            };
            return new EventShape(index, h, type, "api_actor", key);
        }
        if (pick < 980)
        {
            return new EventShape(index, h, "platform_agent_session_created", "service_account_actor", (int)((h >> 40) % ServiceAccounts));
        }
        return new EventShape(index, h, "platform_agent_session_archived", "system_actor", 0);
    }

    /// <summary>The portal identity key the actor resolves to (null for system actors), as ActorResolver derives it.</summary>
    public static string? ExternalIdOf(EventShape shape) => shape.ActorType switch
    {
        "user_actor" => UserId(shape.Actor),
        "api_actor" => ApiKeyId(shape.Actor),
        "service_account_actor" => ServiceAccountId(shape.Actor),
        _ => "session-reaper",
    };

    /// <summary>Writes event <paramref name="index"/> as one Activity Feed JSON record (a ~400–600 byte object).</summary>
    public void WriteRecord(Utf8JsonWriter writer, long index)
    {
        var shape = ShapeOf(index);
        var h = shape.Hash;
        writer.WriteStartObject();
        writer.WriteString("id", IdOf(index));
        writer.WriteString("created_at", ClaudeJson.FormatTimestamp(CreatedAt(index)));
        var console = shape.ActorType is "api_actor" or "service_account_actor" or "system_actor";
        var noOrg = shape.Type.StartsWith("sso_", StringComparison.Ordinal);
        if (noOrg)
        {
            writer.WriteNull("organization_id");
            writer.WriteNull("organization_uuid");
        }
        else
        {
            writer.WriteString("organization_id", console ? ConsoleOrgId : ParentOrgId);
            writer.WriteString("organization_uuid", console ? ConsoleOrgUuid : ParentOrgUuid);
        }
        writer.WriteStartObject("actor");
        writer.WriteString("type", shape.ActorType);
        switch (shape.ActorType)
        {
            case "user_actor":
                writer.WriteString("email_address", Email(shape.Actor));
                writer.WriteString("user_id", UserId(shape.Actor));
                writer.WriteString("ip_address", Ip(0x1000 + (ulong)shape.Actor));
                writer.WriteString("user_agent", UserAgents[shape.Actor % UserAgents.Length]);
                break;
            case "api_actor":
                writer.WriteString("api_key_id", ApiKeyId(shape.Actor));
                writer.WriteString("ip_address", Ip(0x2000 + (ulong)shape.Actor));
                writer.WriteString("user_agent", "anthropic-sdk-python/0.68.0");
                break;
            case "service_account_actor":
                writer.WriteString("service_account_id", ServiceAccountId(shape.Actor));
                writer.WriteString("ip_address", Ip(0x3000 + (ulong)shape.Actor));
                writer.WriteString("user_agent", "agent-runtime/2.1");
                break;
            default:
                writer.WriteString("service", "session-reaper");
                break;
        }
        writer.WriteEndObject();
        writer.WriteString("type", shape.Type);
        switch (shape.Type)
        {
            case "claude_chat_created":
                writer.WriteString("claude_chat_id", Token("claude_chat_01", h, 22));
                writer.WriteString("claude_project_id", (h & 3) == 0 ? Token("claude_proj_01", h >> 8, 22) : null);
                break;
            case "claude_file_uploaded" or "platform_file_uploaded" or "platform_file_content_downloaded":
                writer.WriteString("file_id", Token("file_01", h, 22));
                writer.WriteString("filename", $"report-{h % 9973}.pdf");
                break;
            case "claude_project_created":
                writer.WriteString("claude_project_id", Token("claude_proj_01", h, 22));
                break;
            case "claude_code_session_started":
                writer.WriteString("session_id", Token("sesn_01", h, 22));
                writer.WriteString("claude_code_user", UserId(shape.Actor));
                break;
            case "sso_login_succeeded" or "sso_login_failed":
                writer.WriteString("sso", "entra");
                break;
            case "claude_user_role_updated":
                writer.WriteString("user_id", UserId((int)(h % People)));
                writer.WriteString("previous_role", "user");
                writer.WriteString("current_role", "developer");
                break;
            case "platform_agent_session_created" or "platform_agent_session_archived":
                writer.WriteString("session_id", Token("sesn_01", h, 22));
                writer.WriteString("workspace_id", "wrkspc_01BenchDefaultWorkspace00");
                break;
            case "compliance_api_accessed":
                writer.WriteString("request_id", Token("req_01", h, 22));
                writer.WriteString("endpoint", "/v1/compliance/activities");
                writer.WriteNumber("status_code", 200);
                break;
        }
        writer.WriteEndObject();
    }

    /// <summary>One record as a standalone JSON string (byte-identical to what the page carries).</summary>
    public string RecordJson(long index, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteRecord(writer, index);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

internal readonly record struct EventShape(long Index, ulong Hash, string Type, string ActorType, int Actor);
