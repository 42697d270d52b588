# Shared helpers for build.ps1: paths, platform names and running external tools.
# Dot-sourced by build.ps1; every function here is side-effect free unless its verb says otherwise.

function Write-Step {
    # A visible header per step, so a CI log can be skimmed.
    param([Parameter(Mandatory)] [string] $Message)
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Stop-Build {
    # Ends the build with ONE line on stderr (no script position noise) and a non-zero exit.
    param([Parameter(Mandatory)] [string] $Message, [int] $ExitCode = 1)
    $Host.UI.WriteErrorLine("build.ps1: $Message")
    exit $ExitCode
}

function Invoke-Native {
    # Runs an external program, echoing the command line; throws when it exits non-zero.
    # Output goes to the host so it never leaks into a function's return value.
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [Parameter(Mandatory)] [string] $What
    )
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "$What failed (exit code $LASTEXITCODE)."
    }
}

# Every runtime the package carries, with the cargo target that builds its library (the same
# list as NativeLibraryResolver.KnownRuntimeIds; tests/NativeResolver.Tests.ps1 checks they agree).
$script:RuntimeTargets = [ordered]@{
    'win-x64'     = 'x86_64-pc-windows-msvc'
    'win-arm64'   = 'aarch64-pc-windows-msvc'
    'osx-x64'     = 'x86_64-apple-darwin'
    'osx-arm64'   = 'aarch64-apple-darwin'
    'linux-x64'   = 'x86_64-unknown-linux-gnu'
    'linux-arm64' = 'aarch64-unknown-linux-gnu'
}

function Get-KnownRuntimeId {
    # The runtime identifiers the package layout and the native resolver cover.
    @($script:RuntimeTargets.Keys)
}

function Get-RuntimeId {
    <#
    The folder name under runtimes/ for a process on -OS (Windows, OSX, Linux) running as
    -Architecture (X64, Arm64); by default this process. Computed as NativeLibraryResolver.RuntimeIdFor.
    #>
    param(
        [string] $OS = $(if ($IsWindows) { 'Windows' } elseif ($IsMacOS) { 'OSX' } elseif ($IsLinux) { 'Linux' } else { 'unknown' }),
        [string] $Architecture = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture
    )
    $prefix = switch ($OS) {
        'Windows' { 'win' }
        'OSX' { 'osx' }
        'Linux' { 'linux' }
        default { throw "Unsupported operating system: $OS" }
    }
    $arch = switch ($Architecture) {
        'X64' { 'x64' }
        'Arm64' { 'arm64' }
        default { throw "Unsupported process architecture: $Architecture" }
    }
    "$prefix-$arch"
}

function Get-NativeFileName {
    # The file cargo produces for the entra-ffi cdylib for -RuntimeId (default: this process's).
    param([string] $RuntimeId = (Get-RuntimeId))
    if (-not $script:RuntimeTargets.Contains($RuntimeId)) {
        throw "Unknown runtime identifier '$RuntimeId'; known: $((Get-KnownRuntimeId) -join ', ')."
    }
    $name = 'microsoft_graph_entra_rs_native'
    switch -Wildcard ($RuntimeId) {
        'win-*' { "$name.dll" }
        'osx-*' { "lib$name.dylib" }
        default { "lib$name.so" }
    }
}

function Get-CargoTarget {
    # The cargo target triple that builds the library for -RuntimeId.
    param([Parameter(Mandatory)] [string] $RuntimeId)
    if (-not $script:RuntimeTargets.Contains($RuntimeId)) {
        throw "Unknown runtime identifier '$RuntimeId'; known: $((Get-KnownRuntimeId) -join ', ')."
    }
    $script:RuntimeTargets[$RuntimeId]
}

function Get-ExecutableName {
    # Appends .exe on Windows.
    param([Parameter(Mandatory)] [string] $Name)
    if ($IsWindows) { "$Name.exe" } else { $Name }
}

function Get-PwshPath {
    # The pwsh that runs this script, for child processes. [Environment]::ProcessPath is not
    # it when pwsh is a dotnet global tool (that is dotnet itself), so look in $PSHOME first.
    $own = Join-Path $PSHOME (Get-ExecutableName 'pwsh')
    if (Test-Path -LiteralPath $own -PathType Leaf) { return $own }
    (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
}
