"""deployment() of a template deployed from a link: the returned object has ``properties.templateLink.uri``
(MicrosoftDocs azure-docs, articles/azure-resource-manager/templates/template-functions-deployment.md);
an inline template's deployment() has no templateLink."""

import pytest

from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.context import DeploymentContext
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.errors import ArmTemplateError
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.resolver import OfflineResolver
from ansible_collections.it4ad.dlinfra.plugins.module_utils.arm.template import evaluate_template

CONTEXT = DeploymentContext(resource_group="rg1")
LINK_OUTPUT = {"link": {"type": "string", "value": "[deployment().properties.templateLink.uri]"}}
MAIN_URI = "https://stdeploy.blob.core.windows.net/templates/main.json"


def test_linked_deployment_sees_its_own_uri():
    result = evaluate_template({"resources": [], "outputs": LINK_OUTPUT}, {}, CONTEXT, template_link={"uri": MAIN_URI})
    assert result.outputs == {"link": MAIN_URI}


def test_artifacts_location_default_from_the_link():
    """The quickstart pattern: ``_artifactsLocation`` defaults to the link's uri."""
    template = {
        "parameters": {
            "_artifactsLocation": {"type": "string", "defaultValue": "[deployment().properties.templateLink.uri]"}
        },
        "resources": [],
        "outputs": {"base": {"type": "string", "value": "[uri(parameters('_artifactsLocation'), 'scripts/')]"}},
    }
    result = evaluate_template(template, {}, CONTEXT, template_link={"uri": MAIN_URI})
    assert result.outputs == {"base": "https://stdeploy.blob.core.windows.net/templates/scripts/"}


def test_inline_deployment_has_no_template_link():
    with pytest.raises(ArmTemplateError) as caught:
        evaluate_template({"resources": [], "outputs": LINK_OUTPUT}, {}, CONTEXT)
    assert "The language expression property 'templateLink' doesn't exist" in caught.value.message
    assert caught.value.target == "outputs.link.value"


class Templates(OfflineResolver):
    def __init__(self, templates):
        self.templates = templates

    def linked_template(self, location):
        return self.templates.get(location) or super().linked_template(location)


def linking(link: dict) -> dict:
    return {
        "resources": [
            {
                "type": "Microsoft.Resources/deployments",
                "apiVersion": "2022-09-01",
                "name": "child",
                "properties": {"mode": "Incremental", "templateLink": link},
            }
        ],
        "outputs": {"childLink": {"type": "string", "value": "[reference('child').outputs.link.value]"}},
    }


CHILD = {"resources": [], "outputs": LINK_OUTPUT}


def test_template_linked_by_uri_sees_that_uri():
    uri = "https://stdeploy.blob.core.windows.net/templates/child.json"
    result = evaluate_template(linking({"uri": uri, "contentVersion": "1.0.0.0"}), {}, CONTEXT, Templates({uri: CHILD}))
    assert result.outputs == {"childLink": uri}


def test_relative_path_resolves_against_the_parents_link():
    result = evaluate_template(
        linking({"relativePath": "nested/child.json"}),
        {},
        CONTEXT,
        Templates({"nested/child.json": CHILD}),
        template_link={"uri": MAIN_URI},
    )
    assert result.outputs == {"childLink": "https://stdeploy.blob.core.windows.net/templates/nested/child.json"}
