# Finds Pester 5 (>= 5.7) or fetches it from NuGet, never from the PowerShell Gallery.
# The NuGet package 'Pester' carries the module under tools/; a throwaway project with a
# PackageDownload item makes `dotnet restore` put it in the NuGet packages folder.

$script:PesterVersion = '5.7.1'

function Get-NuGetPackagesRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

function Install-Pester {
    # Returns the path of a Pester.psd1 (5.7 <= version < 6) to import.
    param([Parameter(Mandatory)] [string] $RepoRoot)

    $installed = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version]'5.7' -and $_.Version.Major -eq 5 } |
        Sort-Object Version -Descending |
        Select-Object -First 1
    if ($installed) { return $installed.Path }

    $manifest = Join-Path (Get-NuGetPackagesRoot) "pester/$script:PesterVersion/tools/Pester.psd1"
    if (Test-Path -LiteralPath $manifest -PathType Leaf) { return $manifest }

    Write-Step "Restoring Pester $script:PesterVersion from NuGet"
    $projectDir = Join-Path $RepoRoot '.tools/pester-restore'
    New-Item -ItemType Directory -Force -Path $projectDir | Out-Null
    $project = Join-Path $projectDir 'pester-restore.csproj'
    # net8.0: any supported SDK (8+) can restore it. Nothing is ever built from this project.
    Set-Content -LiteralPath $project -Encoding utf8 -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Pester" Version="[$script:PesterVersion]" />
  </ItemGroup>
</Project>
"@
    Invoke-Native dotnet @('restore', $project, '--nologo') -What "Restoring Pester $script:PesterVersion"
    if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
        throw "Pester was restored but '$manifest' does not exist."
    }
    $manifest
}
