namespace ReviewPortal.Web.Domain;

/// <summary>
/// One person as the people directory (Entra ID, a CSV file, or the simulated company) last described them: the
/// portal's copy of that source, kept so that Entra's delta query only has to say what changed, and so that every sync
/// and every import is judged against what was there before (the mass-departure guard). Keyed by the source's own id:
/// the Entra object id, or the lower-cased email for a CSV file.
/// </summary>
public class DirectoryPerson
{
    public required string SourceId { get; set; }
    /// <summary>Lower-cased; how the person is matched to their Claude account.</summary>
    public required string Email { get; set; }
    public required string FullName { get; set; }
    public string? Department { get; set; }
    public string? Title { get; set; }
    /// <summary>The manager's <see cref="SourceId"/>.</summary>
    public string? ManagerSourceId { get; set; }
    public bool Employed { get; set; } = true;
    public DateTimeOffset? LeftAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
