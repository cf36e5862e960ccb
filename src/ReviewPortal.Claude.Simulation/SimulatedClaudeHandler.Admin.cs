using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using ReviewPortal.Claude.Models;
using static ReviewPortal.Claude.Simulation.SimulatedOrganization;

namespace ReviewPortal.Claude.Simulation;

// Mutations change the model for real (a later sync sees them) and leave the feed events the real API would.
public sealed partial class SimulatedClaudeHandler
{
    private static readonly string[] AssignableConsoleRoles = ["user", "developer", "billing", "claude_code_user"];
    private static readonly string[] AssignableWorkspaceRoles = ["workspace_admin", "workspace_developer", "workspace_restricted_developer", "workspace_user"];

    private SimResponse DeleteUser(string userId)
    {
        var member = organization.ConsoleMembers.Find(m => m.UserId == userId);
        if (member is null)
        {
            return Error(404, "not_found_error", "User not found.");
        }

        if (member.Role == "admin")
        {
            return Error(400, "invalid_request_error", "Organization members with the admin role cannot be removed through the API.");
        }

        var person = organization.FindPerson(userId)!;
        organization.ConsoleMembers.Remove(member);
        organization.WorkspaceMembers.RemoveAll(m => m.UserId == userId);
        Emit("org_user_deleted", new Fields().Add("deleted_user_id", userId).Add("deleted_user_email", person.Email));
        Emit("claude_user_role_updated", new Fields().Add("user_id", userId).Add("user_email", person.Email).Add("previous_role", member.Role).Add("current_role", null));
        return Ok(new { id = userId, type = "user_deleted" });
    }

    private SimResponse UpdateUserRole(string userId, string? body)
    {
        var role = ReadBodyString(body, "role");
        var index = organization.ConsoleMembers.FindIndex(m => m.UserId == userId);
        if (index < 0)
        {
            return Error(404, "not_found_error", "User not found.");
        }

        if (role is null || !AssignableConsoleRoles.Contains(role))
        {
            return Error(400, "invalid_request_error", $"Invalid role \"{role}\". Assignable roles are: {string.Join(", ", AssignableConsoleRoles)}.");
        }

        var member = organization.ConsoleMembers[index];
        if (member.Role == "admin")
        {
            return Error(400, "invalid_request_error", "The role of an organization admin cannot be changed through the API.");
        }

        organization.ConsoleMembers[index] = member with { Role = role };
        var person = organization.FindPerson(userId)!;
        if (member.Role != role)
        {
            Emit("claude_user_role_updated", new Fields().Add("user_id", userId).Add("user_email", person.Email).Add("previous_role", member.Role).Add("current_role", role));
        }

        return Ok(new AdminUser { Id = userId, Email = person.Email, Name = person.FullName, Role = role, AddedAt = member.AddedAt });
    }

    private SimResponse AddWorkspaceMember(string workspaceId, string? body)
    {
        var userId = ReadBodyString(body, "user_id");
        var role = ReadBodyString(body, "workspace_role");
        if (!WorkspaceExists(workspaceId))
        {
            return Error(404, "not_found_error", "Workspace not found.");
        }

        if (userId is null || !organization.ConsoleMembers.Exists(m => m.UserId == userId))
        {
            return Error(404, "not_found_error", "User not found.");
        }

        if (role is null || !AssignableWorkspaceRoles.Contains(role))
        {
            return Error(400, "invalid_request_error", $"Invalid workspace_role \"{role}\".");
        }

        if (organization.WorkspaceMembers.Exists(m => m.WorkspaceId == workspaceId && m.UserId == userId))
        {
            return Error(400, "invalid_request_error", "User is already a member of this workspace.");
        }

        var member = new WorkspaceMember { UserId = userId, WorkspaceId = workspaceId, WorkspaceRole = role };
        organization.WorkspaceMembers.Add(member);
        Emit("platform_workspace_member_added", new Fields().Add("user_id", userId).Add("workspace_id", workspaceId));
        return Ok(member);
    }

    private SimResponse UpdateWorkspaceMember(string workspaceId, string userId, string? body)
    {
        var role = ReadBodyString(body, "workspace_role");
        var index = organization.WorkspaceMembers.FindIndex(m => m.WorkspaceId == workspaceId && m.UserId == userId);
        if (index < 0)
        {
            return Error(404, "not_found_error", "Workspace member not found.");
        }

        if (role is null || !AssignableWorkspaceRoles.Contains(role))
        {
            return Error(400, "invalid_request_error", $"Invalid workspace_role \"{role}\".");
        }

        var previous = organization.WorkspaceMembers[index];
        var updated = previous with { WorkspaceRole = role };
        organization.WorkspaceMembers[index] = updated;
        Emit("platform_workspace_member_updated", new Fields().Add("user_id", userId).Add("workspace_id", workspaceId)
            .Add("updates", new[] { Update("workspace_role", previous.WorkspaceRole, role) }));
        return Ok(updated);
    }

    private SimResponse RemoveWorkspaceMember(string workspaceId, string userId)
    {
        var member = organization.WorkspaceMembers.Find(m => m.WorkspaceId == workspaceId && m.UserId == userId);
        if (member is null)
        {
            return Error(404, "not_found_error", "Workspace member not found.");
        }

        if (organization.ConsoleMembers.Find(m => m.UserId == userId)?.Role is "admin" or "billing")
        {
            return Error(400, "invalid_request_error", "Organization admins and billing members cannot be removed from workspaces; change their organization role first.");
        }

        organization.WorkspaceMembers.Remove(member);
        Emit("platform_workspace_member_removed", new Fields().Add("user_id", userId).Add("workspace_id", workspaceId));
        return Ok(new { type = "workspace_member_deleted", user_id = userId, workspace_id = workspaceId });
    }

    private SimResponse UpdateApiKey(string apiKeyId, string? body)
    {
        var index = organization.ApiKeyList.FindIndex(k => k.Id == apiKeyId);
        if (index < 0)
        {
            return Error(404, "not_found_error", "API key not found.");
        }

        var status = ReadBodyString(body, "status");
        if (status is not (ApiKeyStatus.Active or ApiKeyStatus.Inactive or ApiKeyStatus.Archived))
        {
            return Error(400, "invalid_request_error", $"Invalid status \"{status}\". Expected active, inactive or archived.");
        }

        var key = organization.ApiKeyList[index];
        if (key.Status == ApiKeyStatus.Expired || (key.Status == ApiKeyStatus.Archived && status != ApiKeyStatus.Archived))
        {
            // The docs leave these transitions open; the simulation takes the cautious reading (archived and expired are final).
            return Error(400, "invalid_request_error", $"An API key with status {key.Status} cannot be changed to {status}.");
        }

        var updated = key with { Status = status };
        organization.ApiKeyList[index] = updated;
        if (key.Status != status)
        {
            Emit("platform_api_key_updated", new Fields().Add("api_key_id", apiKeyId).Add("updates", new[] { Update("status", key.Status, status) }));
        }

        return Ok(updated);
    }

    private static Fields Update(string type, string? previous, string? current) =>
        new Fields().Add("type", type).Add("previous_value", previous).Add("current_value", current);

    private void Emit(string type, Fields fields) =>
        organization.Insert(organization.MakeEvent(organization.MutationRandom, organization.Now, type, AdminKeyActor(), Org.Console, fields));

    private static string? ReadBodyString(string? body, string name)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            throw new BadRequest("Request body is not valid JSON.");
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    private sealed class BadRequest(string message) : Exception(message);

    private static SimResponse Ok<T>(T value) => new(200, JsonSerializer.Serialize(value, ClaudeJson.Options));

    private static SimResponse NotFound() => Error(404, "not_found_error", "Not found.");

    private static SimResponse Error(int status, string type, string message, Dictionary<string, string>? headers = null)
    {
        var requestId = NextRequestId();
        var json = JsonSerializer.Serialize(new { type = "error", error = new { type, message }, request_id = requestId });
        return new SimResponse(status, json, headers);
    }

    private static SimResponse FaultResponse(SimulatedFault fault)
    {
        var headers = new Dictionary<string, string>();
        if (fault.RetryAfter is not null)
        {
            headers["retry-after"] = fault.RetryAfter;
        }

        if (fault.ShouldRetry is { } shouldRetry)
        {
            headers["x-should-retry"] = shouldRetry ? "true" : "false";
        }

        var (type, message) = fault.StatusCode switch
        {
            429 => ("rate_limit_error", "Number of requests has exceeded your rate limit."),
            500 => ("api_error", "Internal server error."),
            529 => ("overloaded_error", "Overloaded."),
            400 => ("invalid_request_error", "Invalid request."),
            401 => ("authentication_error", "The API key provided is invalid or has been revoked."),
            403 => ("permission_error", "Missing required scopes. Got: [] Needed: [read:compliance_activities]"),
            404 => ("not_found_error", "Not found."),
            409 => ("conflict_error", "Conflict."),
            _ => ("api_error", "Service unavailable."),
        };
        return Error(fault.StatusCode, type, message, headers);
    }

    private static string NextRequestId() => $"req_sim{Interlocked.Increment(ref _requestCounter):D16}";

    private static HttpResponseMessage ToHttp(SimResponse response)
    {
        var http = new HttpResponseMessage((HttpStatusCode)response.Status)
        {
            Content = new StringContent(response.Json, Encoding.UTF8, "application/json"),
        };
        http.Headers.TryAddWithoutValidation("request-id", NextRequestId());
        foreach (var (name, value) in response.Headers ?? [])
        {
            http.Headers.TryAddWithoutValidation(name, value);
        }

        return http;
    }

    private static Dictionary<string, List<string>> ParseQuery(string query)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            if (!result.TryGetValue(key, out var list))
            {
                result[key] = list = [];
            }

            list.Add(value);
        }

        return result;
    }

    private static string? First(Dictionary<string, List<string>> query, string key) =>
        query.TryGetValue(key, out var values) && values.Count > 0 ? values[0] : null;

    private static List<string> All(Dictionary<string, List<string>> query, string key) =>
        query.TryGetValue(key, out var values) ? values : [];

    private static int ParseLimit(Dictionary<string, List<string>> query, int defaultLimit, int max)
    {
        var text = First(query, "limit");
        if (text is null)
        {
            return defaultLimit;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > max)
        {
            throw new BadRequest($"The limit parameter must be between 1 and {max}, inclusive. Got {text}.");
        }

        return limit;
    }

    private static DateTimeOffset? Timestamp(Dictionary<string, List<string>> query, string key)
    {
        var text = First(query, key);
        if (text is null)
        {
            return null;
        }

        // RFC 3339 needs a time and a zone; a bare date such as 2024-01-01 is refused like the real API does.
        var hasZone = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-');
        if (!text.Contains('T', StringComparison.OrdinalIgnoreCase) || !hasZone || !ClaudeJson.TryParseTimestamp(text, out var value))
        {
            throw new BadRequest($"Invalid `{key}`: \"{text}\" is not an RFC 3339 timestamp.");
        }

        return value;
    }
}
