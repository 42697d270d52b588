# Tab completion of parameters with a closed set of values, through TabExpansion2 (what the
# console and editors call): environment names for Connect-Entra -Environment and
# Get-EntraEnvironment -Name, Graph user property names for Get-EntraUser -Property.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')

    function Get-Completion([string] $InputScript) {
        # Completes at the end of the line, as pressing Tab there does.
        $result = TabExpansion2 -inputScript $InputScript -cursorColumn $InputScript.Length
        @($result.CompletionMatches)
    }
}

Describe 'Connect-Entra -Environment completion' {
    BeforeAll {
        Add-EntraEnvironment -Name 'TabCompletionLab' -GraphEndpoint https://graph.lab.example -AzureADEndpoint https://login.lab.example | Out-Null
    }

    It 'offers every environment when nothing is typed' {
        $texts = (Get-Completion 'Connect-Entra -Environment ').CompletionText
        foreach ($name in 'Global', 'USGov', 'USGovDoD', 'China', 'TabCompletionLab') { $texts | Should -Contain $name }
    }

    It 'completes a prefix without regard to case' {
        (Get-Completion 'Connect-Entra -Environment usg').CompletionText | Should -Be @('USGov', 'USGovDoD')
    }

    It 'offers environments added with Add-EntraEnvironment' {
        (Get-Completion 'Connect-Entra -Environment TabC').CompletionText | Should -Be @('TabCompletionLab')
    }

    It 'completes inside quotes' {
        (Get-Completion "Connect-Entra -Environment 'Chi").CompletionText | Should -Be @('China')
    }

    It 'shows each environment''s Graph endpoint in the tooltip' {
        (Get-Completion 'Connect-Entra -Environment China')[0].ToolTip | Should -Match 'microsoftgraph\.chinacloudapi\.cn'
    }

    It 'completes Get-EntraEnvironment -Name as well' {
        (Get-Completion 'Get-EntraEnvironment -Name Glo').CompletionText | Should -Be @('Global')
    }
}

Describe 'Get-EntraUser -Property completion' {
    It 'offers Graph user properties that start with the typed text' {
        (Get-Completion 'Get-EntraUser -Property signIn').CompletionText | Should -Be @('signInActivity', 'signInSessionsValidFromDateTime')
    }

    It 'matches without regard to case and answers in Graph''s spelling' {
        (Get-Completion 'Get-EntraUser -Property USERPRIN').CompletionText | Should -Be @('userPrincipalName')
    }

    It 'works through the -Select alias' {
        (Get-Completion 'Get-EntraUser -Select refreshT').CompletionText | Should -Be @('refreshTokensValidFromDateTime')
    }

    It 'offers every property when nothing is typed, as parameter values' {
        $completions = Get-Completion 'Get-EntraUser -Property '
        $completions.Count | Should -Be ([Microsoft.Graph.Entra.Rs.Users.UserPropertyCompleter]::PropertyNames.Count)
        $completions.CompletionText | Should -Contain 'accountEnabled'
        $completions.CompletionText | Should -Contain 'signInSessionsValidFromDateTime'
        $completions | ForEach-Object ResultType | Select-Object -Unique | Should -Be 'ParameterValue'
    }

    It 'completes the next element of a list and skips the properties already given' {
        Get-Completion 'Get-EntraUser -Property id, displayName, dis' | Should -BeNullOrEmpty
        (Get-Completion 'Get-EntraUser -Property id, dis').CompletionText | Should -Be @('displayName')
        (Get-Completion 'Get-EntraUser -UserId AdeleV@contoso.com -Property displayName, sign').CompletionText |
            Should -Be @('signInActivity', 'signInSessionsValidFromDateTime')
    }

    It 'keeps the quote the user started with' {
        (Get-Completion 'Get-EntraUser -Property "mailN').CompletionText | Should -Be @('"mailNickname"')
    }

    It 'says in the tooltip which properties are read by default and which record revocation' {
        (Get-Completion 'Get-EntraUser -Property jobT')[0].ToolTip | Should -Match 'default'
        (Get-Completion 'Get-EntraUser -Property signInS')[0].ToolTip | Should -Match 'revoked'
    }

    It 'offers nothing for a prefix no property has' {
        Get-Completion 'Get-EntraUser -Property zzz' | Should -BeNullOrEmpty
    }

    It 'lists the properties Get-EntraUser reads by default' {
        # Default properties of rust/core/src/users/query.rs: completing them must be possible.
        $names = [Microsoft.Graph.Entra.Rs.Users.UserPropertyCompleter]::PropertyNames
        foreach ($name in 'id', 'displayName', 'userPrincipalName', 'mail', 'userType', 'accountEnabled', 'givenName', 'surname', 'jobTitle') {
            $names | Should -Contain $name
        }
        $names | Should -Be ($names | Sort-Object) -Because 'completions are offered in alphabetical order'
        @($names | Select-Object -Unique).Count | Should -Be $names.Count
    }
}
