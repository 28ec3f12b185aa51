using Tessera.Core.Identity;

namespace Tessera.Platform.Modules;

/// <summary>
/// What a module's demo gets from <c>tessera up</c>: the running server's services, the demo user (an owner of the
/// demo organization), whether in-process workers will run its jobs, and where to tell the user what happened.
/// </summary>
public sealed record DemoContext(IServiceProvider Services, Principal Owner, bool WorkersRunning, TextWriter Output, Uri ServerUrl);
