using System.Text.Json;

namespace ReviewPortal.Claude.Models;

/// <summary>
/// Decodes Activity Feed pages record by record, so one odd record never costs the whole page:
/// unusable records land in <see cref="ActivityPage.Malformed"/>, unknown types and actors are normal records.
/// </summary>
public static class ActivityDecoder
{
    /// <summary>Decodes a page body. Throws <see cref="JsonException"/> only when the envelope itself is unreadable.</summary>
    public static ActivityPage DecodePage(string json, string? requestId = null)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("Activity page is not a JSON object.");
        }

        var data = new List<Activity>();
        var malformed = new List<MalformedActivity>();
        if (root.TryGetProperty("data", out var items))
        {
            if (items.ValueKind != JsonValueKind.Array)
            {
                throw new JsonException("Activity page 'data' is not an array.");
            }

            foreach (var item in items.EnumerateArray())
            {
                var (activity, reason) = TryDecode(item);
                if (activity is not null)
                {
                    data.Add(activity);
                }
                else
                {
                    malformed.Add(new MalformedActivity(item.GetRawText(), reason!));
                }
            }
        }

        return new ActivityPage(
            data,
            malformed,
            GetBool(root, "has_more"),
            GetString(root, "first_id"),
            GetString(root, "last_id"))
        { RequestId = requestId };
    }

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
            item.GetRawText());
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
