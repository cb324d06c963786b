from django import template
from django.db.models import Count, Q

from disclosures.questions.models import Question, QuestionStatus, overdue_on, today

register = template.Library()


@register.simple_tag
def questions_waiting(user):
    """For the admin's home page: the user's villages' questions still waiting for an
    answer, those past their deadline, and those escalated to the township."""
    return Question.objects.for_user(user).aggregate(
        waiting=Count("pk", filter=Q(status=QuestionStatus.RECEIVED)),
        overdue=Count("pk", filter=overdue_on(today())),
        escalated=Count("pk", filter=Q(status=QuestionStatus.ESCALATED)),
    )
