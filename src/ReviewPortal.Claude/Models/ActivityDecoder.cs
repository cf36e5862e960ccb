using System.Text;
using System.Text.Json;

namespace ReviewPortal.Claude.Models;

/// <summary>
/// Decodes Activity Feed pages record by record, so one odd record never costs the whole page:
/// unusable records land in <see cref="ActivityPage.Malformed"/>, unknown types and actors are normal records.
/// </summary>
public static class ActivityDecoder
{
    /// <summary>Decodes a page body. Throws <see cref="JsonException"/> only when the envelope itself is unreadable.</summary>
    public static ActivityPage DecodePage(string json, string? requestId = null) =>
        DecodePage(Encoding.UTF8.GetBytes(json), requestId);

    /// <summary>
    /// Decodes a page body from its UTF-8 bytes, as it arrived, in one forward pass (<see cref="Utf8JsonReader"/>): no
    /// string of the whole page and no document tree are made, only the fields the portal reads and each record's raw
    /// text. Same results as <see cref="TryDecode"/> on each record (the wire decoding tests hold the two to each other).
    /// Throws <see cref="JsonException"/> when the body is not valid JSON or its envelope is not the documented one.
    /// </summary>
    public static ActivityPage DecodePage(ReadOnlyMemory<byte> utf8Json, string? requestId = null)
    {
        var json = utf8Json.Span;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Activity page is not a JSON object.");
        }

        List<Activity>? data = null;
        List<MalformedActivity>? malformed = null;
        var hasMore = false;
        string? firstId = null;
        string? lastId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("Activity page 'data' is not an array.");
                }
                // A repeated "data" replaces the first, as a document lookup would find only one of them.
                data = [];
                malformed = [];
                var values = new ValueCache();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var (activity, unusable) = ReadRecord(ref reader, json, values);
                    if (activity is not null)
                    {
                        data.Add(activity);
                    }
                    else
                    {
                        malformed.Add(unusable!);
                    }
                }
            }
            else if (reader.ValueTextEquals("has_more"u8))
            {
                reader.Read();
                hasMore = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("first_id"u8))
            {
                firstId = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("last_id"u8))
            {
                lastId = ReadString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        // Anything after the envelope makes the body unreadable, as it would for a document parser.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("Activity page has content after its envelope.");
        }

        return new ActivityPage(data ?? [], malformed ?? [], hasMore, firstId, lastId) { RequestId = requestId };
    }

    /// <summary>One element of <c>data</c>, the reader on its first token; leaves the reader on its last token.</summary>
    private static (Activity? Activity, MalformedActivity? Unusable) ReadRecord(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ValueCache values)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var kind = reader.TokenType switch
            {
                JsonTokenType.StartArray => JsonValueKind.Array,
                JsonTokenType.String => JsonValueKind.String,
                JsonTokenType.Number => JsonValueKind.Number,
                JsonTokenType.True => JsonValueKind.True,
                JsonTokenType.False => JsonValueKind.False,
                _ => JsonValueKind.Null,
            };
            reader.Skip();
            return (null, new MalformedActivity(Raw(json, start, reader), $"record is a JSON {kind}, not an object"));
        }

        string? id = null;
        string? createdAtText = null;
        var createdAt = default(DateTimeOffset);
        var createdAtRead = false;
        string? type = null;
        string? organizationId = null;
        string? organizationUuid = null;
        string? workspaceId = null;
        ActivityActor? actor = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                id = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("created_at"u8))
            {
                reader.Read();
                createdAtRead = reader.TokenType == JsonTokenType.String && TryReadTimestamp(ref reader, out createdAt);
                createdAtText = reader.TokenType == JsonTokenType.String && !createdAtRead ? reader.GetString() : null;
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                type = ReadString(ref reader, values);
            }
            else if (reader.ValueTextEquals("organization_id"u8))
            {
                organizationId = ReadString(ref reader, values);
            }
            else if (reader.ValueTextEquals("organization_uuid"u8))
            {
                organizationUuid = ReadString(ref reader, values);
            }
            else if (reader.ValueTextEquals("workspace_id"u8))
            {
                workspaceId = ReadString(ref reader, values);
            }
            else if (reader.ValueTextEquals("actor"u8))
            {
                reader.Read();
                actor = reader.TokenType == JsonTokenType.StartObject ? ReadActor(ref reader, json, values) : null;
                if (actor is null)
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var raw = Raw(json, start, reader);
        if (string.IsNullOrEmpty(id))
        {
            return (null, new MalformedActivity(raw, "missing id"));
        }
        if (!createdAtRead)
        {
            if (createdAtText is null)
            {
                return (null, new MalformedActivity(raw, "missing created_at"));
            }
            if (!ClaudeJson.TryParseTimestamp(createdAtText, out createdAt))
            {
                return (null, new MalformedActivity(raw, $"unparseable created_at '{createdAtText}'"));
            }
        }
        return (new Activity(id, createdAt, type ?? "unknown", organizationId, organizationUuid, actor ?? new ActivityActor(), raw)
        {
            WorkspaceId = workspaceId,
        }, null);
    }

    /// <summary>
    /// The fast path for the feed's own form, RFC 3339 in UTC with a <c>Z</c>: parsed from the bytes. Anything else (an
    /// offset, no zone, an escaped string) returns false and goes through <see cref="ClaudeJson.TryParseTimestamp"/>, so the
    /// accepted forms and their meaning stay exactly those of the string parser.
    /// </summary>
    private static bool TryReadTimestamp(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        value = default;
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }
        var text = reader.ValueSpan;
        if (text.Length < 20 || text[^1] != (byte)'Z' || !reader.TryGetDateTimeOffset(out var parsed))
        {
            return false;
        }
        value = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>An actor object, the reader on its <c>{</c>; leaves the reader on its <c>}</c>.</summary>
    private static ActivityActor ReadActor(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ValueCache values)
    {
        var start = (int)reader.TokenStartIndex;
        string? type = null, userId = null, email = null, unauthenticatedEmail = null, apiKeyId = null, adminApiKeyId = null;
        string? serviceAccountId = null, issuer = null, subject = null, ip = null, userAgent = null, service = null;
        string? workosEventId = null, directoryId = null, idpConnectionType = null, providerType = null, providerIssuer = null;
        string? externalClientId = null, kidHash = null;
        IReadOnlyList<string>? audience = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8)) type = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("user_id"u8)) userId = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("email_address"u8)) email = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("ip_address"u8)) ip = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("user_agent"u8)) userAgent = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("api_key_id"u8)) apiKeyId = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("service_account_id"u8)) serviceAccountId = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("service"u8)) service = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("unauthenticated_email_address"u8)) unauthenticatedEmail = ReadString(ref reader);
            else if (reader.ValueTextEquals("admin_api_key_id"u8)) adminApiKeyId = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("issuer"u8)) issuer = ReadString(ref reader);
            else if (reader.ValueTextEquals("subject"u8)) subject = ReadString(ref reader);
            else if (reader.ValueTextEquals("workos_event_id"u8)) workosEventId = ReadString(ref reader);
            else if (reader.ValueTextEquals("directory_id"u8)) directoryId = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("idp_connection_type"u8)) idpConnectionType = ReadString(ref reader, values);
            else if (reader.ValueTextEquals("external_client_id"u8)) externalClientId = ReadString(ref reader);
            else if (reader.ValueTextEquals("kid_hash"u8)) kidHash = ReadString(ref reader);
            else if (reader.ValueTextEquals("audience"u8))
            {
                reader.Read();
                audience = null;
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    var audiences = new List<string>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            audiences.Add(reader.GetString()!);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    audience = audiences.ToArray();
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("provider"u8))
            {
                reader.Read();
                (providerType, providerIssuer) = (null, null);
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("type"u8)) providerType = ReadString(ref reader, values);
                        else if (reader.ValueTextEquals("issuer"u8)) providerIssuer = ReadString(ref reader);
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ActivityActor
        {
            Type = string.IsNullOrEmpty(type) ? ActivityActor.UnknownType : type,
            UserId = userId,
            EmailAddress = email,
            UnauthenticatedEmailAddress = unauthenticatedEmail,
            ApiKeyId = apiKeyId,
            AdminApiKeyId = adminApiKeyId,
            ServiceAccountId = serviceAccountId,
            Issuer = issuer ?? providerIssuer,
            Subject = subject,
            Audience = audience,
            IpAddress = ip,
            UserAgent = userAgent,
            Service = service,
            WorkosEventId = workosEventId,
            DirectoryId = directoryId,
            IdpConnectionType = idpConnectionType,
            ProviderType = providerType,
            ExternalClientId = externalClientId,
            KidHash = kidHash,
            RawJson = Raw(json, start, reader),
        };
    }

    /// <summary>The value after the current property name when it is a string, else null (the value is skipped).</summary>
    private static string? ReadString(ref Utf8JsonReader reader, ValueCache? values = null)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return values is null ? reader.GetString() : values.Get(ref reader);
        }
        reader.Skip();
        return null;
    }

    /// <summary>
    /// The short values a page repeats on most of its records (types, actor kinds, organizations, the same people, keys,
    /// addresses and user agents), made into strings once per page instead of once per record: a page of 5,000 records
    /// otherwise allocated some 50,000 small strings that all died with the page. Plain ASCII values only; anything else is
    /// read as usual. A slot holds the last value that hashed to it, so a collision only costs an allocation.
    /// </summary>
    private sealed class ValueCache
    {
        private const int MaxLength = 128;
        private readonly string?[] _slots = new string?[1024];

        public string Get(ref Utf8JsonReader reader)
        {
            if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxLength || !Ascii.IsValid(reader.ValueSpan))
            {
                return reader.GetString()!;
            }
            var bytes = reader.ValueSpan;
            ref var slot = ref _slots[Fnv1a(bytes) & (_slots.Length - 1)];
            if (slot is { } cached && Ascii.Equals(bytes, cached))
            {
                return cached;
            }
            return slot = Encoding.ASCII.GetString(bytes);
        }

        // A fixed hash, not HashCode (seeded per process): which values share a slot is then the same on every run, so a
        // page decodes to the same strings everywhere (with a per-process seed, a CI run once saw two reads of one key id
        // become two strings because another value of the page had taken its slot in between).
        private static int Fnv1a(ReadOnlySpan<byte> bytes)
        {
            var hash = 2166136261u;
            foreach (var b in bytes)
            {
                hash = (hash ^ b) * 16777619u;
            }
            return (int)hash;
        }
    }

    /// <summary>The exact text of the value that started at <paramref name="start"/> and ends at the reader's current token.</summary>
    private static string Raw(ReadOnlySpan<byte> json, int start, Utf8JsonReader reader) =>
        Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);

    /// <summary>Decodes one record; returns the reason instead of throwing when it is unusable.</summary>
    public static (Activity? Activity, string? Reason) TryDecode(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return (null, $"record is a JSON {item.ValueKind}, not an object");
        }

        var id = GetString(item, "id");
        if (string.IsNullOrEmpty(id))
        {
            return (null, "missing id");
        }

        var createdAtText = GetString(item, "created_at");
        if (createdAtText is null)
        {
            return (null, "missing created_at");
        }

        if (!ClaudeJson.TryParseTimestamp(createdAtText, out var createdAt))
        {
            return (null, $"unparseable created_at '{createdAtText}'");
        }

        var actor = item.TryGetProperty("actor", out var actorElement) && actorElement.ValueKind == JsonValueKind.Object
            ? DecodeActor(actorElement)
            : new ActivityActor();

        var activity = new Activity(
            id,
            createdAt,
            GetString(item, "type") ?? "unknown",
            GetString(item, "organization_id"),
            GetString(item, "organization_uuid"),
            actor,
            item.GetRawText())
        {
            WorkspaceId = GetString(item, "workspace_id"),
        };
        return (activity, null);
    }

    /// <summary>Flattens any actor variant; never throws on unknown variants or missing fields.</summary>
    public static ActivityActor DecodeActor(JsonElement actor)
    {
        string? providerType = null;
        string? issuer = GetString(actor, "issuer");
        if (actor.TryGetProperty("provider", out var provider) && provider.ValueKind == JsonValueKind.Object)
        {
            providerType = GetString(provider, "type");
            issuer ??= GetString(provider, "issuer");
        }

        IReadOnlyList<string>? audience = null;
        if (actor.TryGetProperty("audience", out var aud) && aud.ValueKind == JsonValueKind.Array)
        {
            audience = aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToArray();
        }

        var type = GetString(actor, "type");
        return new ActivityActor
        {
            Type = string.IsNullOrEmpty(type) ? ActivityActor.UnknownType : type,
            UserId = GetString(actor, "user_id"),
            EmailAddress = GetString(actor, "email_address"),
            UnauthenticatedEmailAddress = GetString(actor, "unauthenticated_email_address"),
            ApiKeyId = GetString(actor, "api_key_id"),
            AdminApiKeyId = GetString(actor, "admin_api_key_id"),
            ServiceAccountId = GetString(actor, "service_account_id"),
            Issuer = issuer,
            Subject = GetString(actor, "subject"),
            Audience = audience,
            IpAddress = GetString(actor, "ip_address"),
            UserAgent = GetString(actor, "user_agent"),
            Service = GetString(actor, "service"),
            WorkosEventId = GetString(actor, "workos_event_id"),
            DirectoryId = GetString(actor, "directory_id"),
            IdpConnectionType = GetString(actor, "idp_connection_type"),
            ProviderType = providerType,
            ExternalClientId = GetString(actor, "external_client_id"),
            KidHash = GetString(actor, "kid_hash"),
            RawJson = actor.GetRawText(),
        };
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool GetBool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
