# Dot-sourced from each test file's BeforeAll: imports the module from the repository root and
# provides helpers shared by the tests. Needs a prior ./build.ps1 (the Test task does it).

$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$ManifestPath = Join-Path $RepoRoot 'Microsoft.Graph.Entra.Rs.psd1'

# Get-PwshPath, Get-RuntimeId, Get-NativeFileName: the build's own definitions, so tests
# check the C# side against them.
. (Join-Path $RepoRoot 'build/Common.ps1')

Import-Module $ManifestPath -ErrorAction Stop

function Get-FullPath {
    # A path as .NET spells it (Path.GetFullPath): on Windows '/' becomes '\', so a path joined
    # as 'a/b' compares equal to one that Path.Combine or PowerShell's module loader built.
    param([Parameter(Mandatory)] [string] $Path)
    [System.IO.Path]::GetFullPath($Path)
}

function Invoke-ChildPwsh {
    <#
    Runs a script in a fresh pwsh (a clean process: no native library loaded yet, its own
    environment) and returns @{ Output = <lines>; ExitCode = <int> }. $Environment entries are
    set for the child only ($null removes a variable).
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{}
    )
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        $output = & (Get-PwshPath) -NoProfile -NonInteractive -Command $Script 2>&1 | ForEach-Object { "$_" }
        @{ Output = @($output); ExitCode = $LASTEXITCODE }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function Start-ChildPwsh {
    <#
    Starts a script in a fresh pwsh without waiting for it; returns @{ Process; Stdout; Stderr }
    (the output is drained by tasks, so the child never blocks on a full pipe). Pair with Wait-ChildPwsh.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{}
    )
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshPath))
    foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $Script) { $startInfo.ArgumentList.Add($argument) }
    foreach ($name in $Environment.Keys) { $startInfo.Environment[$name] = $Environment[$name] }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    @{ Process = $process; Stdout = $process.StandardOutput.ReadToEndAsync(); Stderr = $process.StandardError.ReadToEndAsync() }
}

function Wait-ChildPwsh {
    # Waits for a Start-ChildPwsh child (a hang guard of $GuardSeconds kills it) and returns its output lines.
    param([Parameter(Mandatory)] [hashtable] $Child, [int] $GuardSeconds = 300)
    if (-not $Child.Process.WaitForExit($GuardSeconds * 1000)) { $Child.Process.Kill($true) }
    $Child.Process.WaitForExit()
    @(($Child.Stdout.GetAwaiter().GetResult() + $Child.Stderr.GetAwaiter().GetResult()) -split '\r?\n' | Where-Object { $_ -ne '' })
}
