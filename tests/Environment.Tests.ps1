# Add-EntraEnvironment / Get-EntraEnvironment and the environment-name completer.
# The registry is process-wide, so names added here are unique to this file (prefix 'EnvT').

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    $AddId = 'Microsoft.Graph.Entra.Rs.Cmdlets.AddEntraEnvironmentCommand'
    $GetId = 'Microsoft.Graph.Entra.Rs.Cmdlets.GetEntraEnvironmentCommand'

    function Get-AddError([string] $GraphEndpoint, [string] $AzureADEndpoint = 'https://login.microsoftonline.com', [string] $Name = 'EnvTBad') {
        $errors = $null
        Add-EntraEnvironment -Name $Name -GraphEndpoint $GraphEndpoint -AzureADEndpoint $AzureADEndpoint `
            -ErrorAction SilentlyContinue -ErrorVariable errors | Out-Null
        @($errors)
    }
}

Describe 'Get-EntraEnvironment' {
    It 'lists built-in <Name> with Microsoft''s endpoints' -TestCases @(
        @{ Name = 'Global'; Graph = 'https://graph.microsoft.com'; Login = 'https://login.microsoftonline.com' }
        @{ Name = 'USGov'; Graph = 'https://graph.microsoft.us'; Login = 'https://login.microsoftonline.us' }
        @{ Name = 'USGovDoD'; Graph = 'https://dod-graph.microsoft.us'; Login = 'https://login.microsoftonline.us' }
        @{ Name = 'China'; Graph = 'https://microsoftgraph.chinacloudapi.cn'; Login = 'https://login.chinacloudapi.cn' }
    ) {
        $environment = Get-EntraEnvironment | Where-Object Name -EQ $Name
        $environment | Should -HaveCount 1
        $environment.GraphEndpoint | Should -BeExactly $Graph
        $environment.AzureADEndpoint | Should -BeExactly $Login
        $environment.Type | Should -BeExactly 'Built-in'
    }

    It 'lists the built-ins first, in a fixed order' {
        (Get-EntraEnvironment | Select-Object -First 4).Name | Should -Be @('Global', 'USGov', 'USGovDoD', 'China')
    }

    It 'has the property order of Microsoft''s objects' {
        (Get-EntraEnvironment -Name Global).PSObject.Properties.Name | Should -Be @('Name', 'AzureADEndpoint', 'GraphEndpoint', 'Type')
    }

    It 'finds names case-insensitively' {
        (Get-EntraEnvironment -Name usgov).Name | Should -BeExactly 'USGov'
    }

    It 'filters with wildcards' {
        (Get-EntraEnvironment -Name 'US*').Name | Should -Be @('USGov', 'USGovDoD')
    }

    It 'reports an unknown name as ObjectNotFound' {
        $errors = $null
        Get-EntraEnvironment -Name 'EnvTNoSuchCloud' -ErrorAction SilentlyContinue -ErrorVariable errors | Should -BeNullOrEmpty
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "EnvironmentNotFound,$GetId"
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'returns nothing, without error, for a wildcard that matches nothing' {
        $errors = $null
        Get-EntraEnvironment -Name 'EnvTNothing*' -ErrorVariable errors | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }
}

Describe 'Add-EntraEnvironment' {
    It 'adds a custom https environment and outputs it' {
        $added = Add-EntraEnvironment -Name EnvTCanary -GraphEndpoint 'https://canary.graph.microsoft.com' -AzureADEndpoint 'https://login.microsoftonline.com/'
        $added.Name | Should -BeExactly 'EnvTCanary'
        $added.GraphEndpoint | Should -BeExactly 'https://canary.graph.microsoft.com'
        $added.AzureADEndpoint | Should -BeExactly 'https://login.microsoftonline.com'
        $added.Type | Should -BeExactly 'User-defined'
        (Get-EntraEnvironment -Name envtcanary).GraphEndpoint | Should -BeExactly 'https://canary.graph.microsoft.com'
    }

    It 'lists custom environments after the built-ins' {
        Add-EntraEnvironment -Name EnvTListed -GraphEndpoint 'https://graph.example.com' -AzureADEndpoint 'https://login.example.com' | Out-Null
        $names = (Get-EntraEnvironment).Name
        $names | Should -Contain 'EnvTListed'
        [array]::IndexOf($names, 'EnvTListed') | Should -BeGreaterThan 3
    }

    It 'replaces a user-defined environment added again' {
        Add-EntraEnvironment -Name EnvTReplace -GraphEndpoint 'https://one.example.com' -AzureADEndpoint 'https://login.example.com' | Out-Null
        Add-EntraEnvironment -Name envtreplace -GraphEndpoint 'https://two.example.com' -AzureADEndpoint 'https://login.example.com' | Out-Null
        $found = Get-EntraEnvironment -Name EnvTReplace
        $found | Should -HaveCount 1
        $found.GraphEndpoint | Should -BeExactly 'https://two.example.com'
    }

    It 'accepts http for loopback host <Url>' -TestCases @(
        @{ Url = 'http://127.0.0.1:5000' }
        @{ Url = 'http://127.10.20.30:8080/' }
        @{ Url = 'http://localhost:5000' }
        @{ Url = 'http://[::1]:5000' }
    ) {
        $added = Add-EntraEnvironment -Name EnvTLoopback -GraphEndpoint $Url -AzureADEndpoint $Url
        $added.GraphEndpoint | Should -BeExactly $Url.TrimEnd('/')
    }

    It 'rejects <Url> as InvalidEndpoint (<Why>)' -TestCases @(
        @{ Url = 'http://graph.microsoft.com'; Why = 'http to a non-loopback host' }
        @{ Url = 'http://10.0.0.1:5000'; Why = 'http to a private address' }
        @{ Url = 'http://127.0.0.1.example.com'; Why = 'a name that only starts like loopback' }
        @{ Url = 'https://graph.microsoft.com/v1.0'; Why = 'a path' }
        @{ Url = 'https://graph.microsoft.com/..'; Why = 'a dot segment' }
        @{ Url = 'https://graph.microsoft.com/?x=1'; Why = 'a query' }
        @{ Url = 'https://graph.microsoft.com#frag'; Why = 'a fragment' }
        @{ Url = 'https://user:pw@graph.microsoft.com'; Why = 'user information' }
        @{ Url = 'ftp://graph.microsoft.com'; Why = 'another scheme' }
        @{ Url = 'graph.microsoft.com'; Why = 'not absolute' }
        @{ Url = '/v1.0/users'; Why = 'a bare path' }
    ) {
        $errors = Get-AddError -GraphEndpoint $Url
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidEndpoint,$AddId"
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errors[0].TargetObject | Should -BeExactly $Url
        Get-EntraEnvironment -Name EnvTBad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'checks the sign-in endpoint too' {
        $errors = Get-AddError -GraphEndpoint 'https://graph.example.com' -AzureADEndpoint 'http://login.example.com'
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidEndpoint,$AddId"
        $errors[0].Exception.Message | Should -BeLike '*-AzureADEndpoint*'
    }

    It 'refuses to redefine built-in <Name>' -TestCases @(
        @{ Name = 'Global' }, @{ Name = 'global' }, @{ Name = 'USGov' }, @{ Name = 'USGovDoD' }, @{ Name = 'CHINA' }
    ) {
        $errors = Get-AddError -Name $Name -GraphEndpoint 'https://evil.example.com' -AzureADEndpoint 'https://evil.example.com'
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeExactly "BuiltInEnvironmentReadOnly,$AddId"
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-EntraEnvironment -Name $Name).GraphEndpoint | Should -Not -Be 'https://evil.example.com'
    }

    It 'adds nothing with -WhatIf' {
        Add-EntraEnvironment -Name EnvTWhatIf -GraphEndpoint 'https://graph.example.com' -AzureADEndpoint 'https://login.example.com' -WhatIf
        Get-EntraEnvironment -Name EnvTWhatIf -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'requires -<Parameter>' -TestCases @(
        @{ Parameter = 'Name' }, @{ Parameter = 'GraphEndpoint' }, @{ Parameter = 'AzureADEndpoint' }
    ) {
        $metadata = (Get-Command Add-EntraEnvironment).Parameters[$Parameter]
        $metadata.Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).Mandatory | Should -Contain $true
    }
}

Describe 'Environment name completion' {
    BeforeAll {
        Add-EntraEnvironment -Name EnvTCompletion -GraphEndpoint 'https://graph.example.com' -AzureADEndpoint 'https://login.example.com' | Out-Null
        Add-EntraEnvironment -Name 'EnvT Spaced' -GraphEndpoint 'https://graph.example.com' -AzureADEndpoint 'https://login.example.com' | Out-Null

        function Get-Completion([string] $InputScript) {
            (TabExpansion2 -inputScript $InputScript -cursorColumn $InputScript.Length).CompletionMatches
        }
    }

    It 'completes built-in names' {
        (Get-Completion 'Get-EntraEnvironment -Name US').CompletionText | Should -Be @('USGov', 'USGovDoD')
    }

    It 'completes case-insensitively, including user-defined names' {
        (Get-Completion 'Get-EntraEnvironment -Name envtcomp').CompletionText | Should -Be @('EnvTCompletion')
    }

    It 'completes a quoted prefix' {
        (Get-Completion "Get-EntraEnvironment -Name 'Glo").CompletionText | Should -Be @('Global')
    }

    It 'quotes names that need it' {
        (Get-Completion 'Get-EntraEnvironment -Name EnvT').CompletionText | Should -Contain "'EnvT Spaced'"
    }

    It 'offers every environment for an empty word' {
        $texts = (Get-Completion 'Get-EntraEnvironment -Name ').CompletionText
        $texts | Should -Contain 'Global'
        $texts | Should -Contain 'China'
        $texts | Should -Contain 'EnvTCompletion'
    }
}
