using Tessera.Core.Errors;

namespace Tessera.Web.Components;

/// <summary>An API problem as a person reads it: the stable code, the status, and the words.</summary>
public sealed record ShownProblem(string Code, int Status, string Detail)
{
    public static ShownProblem From(TesseraException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new ShownProblem(exception.Code, exception.Status, exception.Message);
    }

    /// <summary>A heading for the message: server faults read differently from a request the person can fix.</summary>
    public string Heading => Status switch
    {
        >= 500 => "Something went wrong on the server",
        401 or 403 => "Not allowed",
        404 => "Not found",
        409 => "Not possible right now",
        413 => "Too large",
        429 => "Too many requests",
        _ => "The request could not be done",
    };
}
